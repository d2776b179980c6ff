import { defineStore } from 'pinia'
import type { MapVideo, VideoMaps } from '../../contract/api-runtime'
import { invoke } from '../api/bridge'
import { useAction } from '../composables/useCommand'
import { useArtifactCache } from './artifact-cache'

/**
 * The maps view's data: the videos the selected runs kept maps of (every evaluated video), one
 * video's maps in each run, and the artifacts' frames and decoded values (artifact-cache.ts).
 */
export const useMapsStore = defineStore('maps', () => {
  const videos = useAction((runIds: number[]): Promise<MapVideo[]> => (runIds.length ? invoke('maps.videos', { runIds }) : Promise.resolve([])))
  const maps = useAction((runIds: number[], evalKey: string, video: string): Promise<VideoMaps[]> => Promise.all(runIds.map((runId) => invoke('maps.get', { runId, evalKey, video }))))
  const cache = useArtifactCache()

  /** Fetches everything one run's maps of a video need. */
  async function loadArtifacts(m: VideoMaps): Promise<void> {
    const a = m.attention
    const s = m.scores
    await Promise.all([
      m.frames && cache.loadImage(m.frames.artifactId),
      a && cache.loadValues(a.artifactId, a.encoding, a.frames * a.grid * a.grid),
      s && cache.loadValues(s.artifactId, s.encoding, s.frames * s.classIndices.length * (s.prompts[0]?.length ?? 0)),
    ])
  }

  return { videos, maps, images: cache.images, floats: cache.values, artifactError: cache.error, loadArtifacts }
})
