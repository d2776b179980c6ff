import { defineStore } from 'pinia'
import { shallowRef } from 'vue'
import type { MapVideo, VideoMaps } from '../../contract/api-runtime'
import { artifactImageUrl, invoke, readArtifact } from '../api/bridge'
import { useAction } from '../composables/useCommand'

/**
 * The maps view's data: the videos the selected runs kept maps of, one video's maps in each run, and
 * the artifacts' bytes (read through the bridge, as binary wherever the transport allows).
 */

/** float32 little-endian bytes (as the engine stores maps) → values. */
export function toFloat32(bytes: Uint8Array): Float32Array {
  if (bytes.byteLength % 4 !== 0) throw new Error(`a float32 map of ${bytes.byteLength} bytes (not a multiple of 4)`)
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength))
}

export const useMapsStore = defineStore('maps', () => {
  const videos = useAction((runIds: number[]): Promise<MapVideo[]> => (runIds.length ? invoke('maps.videos', { runIds }) : Promise.resolve([])))
  const maps = useAction((runIds: number[], evalKey: string, video: string): Promise<VideoMaps[]> => Promise.all(runIds.map((runId) => invoke('maps.get', { runId, evalKey, video }))))
  /** Decoded float32 maps and image URLs, by artifact id (artifacts never change once written). */
  const floats = shallowRef<Record<number, Float32Array>>({})
  const images = shallowRef<Record<number, string>>({})
  const artifactError = shallowRef<string | null>(null)

  async function loadFloats(id: number): Promise<void> {
    if (floats.value[id]) return
    try {
      const values = toFloat32(await readArtifact(id))
      floats.value = { ...floats.value, [id]: values }
    } catch (err) {
      artifactError.value = (err as Error).message
    }
  }

  async function loadImage(id: number): Promise<void> {
    if (images.value[id]) return
    try {
      const url = await artifactImageUrl(id)
      images.value = { ...images.value, [id]: url }
    } catch (err) {
      artifactError.value = (err as Error).message
    }
  }

  /** Fetches everything one run's maps of a video need. */
  async function loadArtifacts(m: VideoMaps): Promise<void> {
    await Promise.all([m.frames && loadImage(m.frames.artifactId), m.attention && loadFloats(m.attention.artifactId), m.scores && loadFloats(m.scores.artifactId)])
  }

  return { videos, maps, floats, images, artifactError, loadArtifacts }
})
