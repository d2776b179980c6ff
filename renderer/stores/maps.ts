import { defineStore } from 'pinia'
import { shallowRef } from 'vue'
import type { MapVideo, VideoMaps } from '../../contract/api-runtime'
import { invoke, transport } from '../api/bridge'
import { useAction } from '../composables/useCommand'

/**
 * The maps view's data: the videos the selected runs kept maps of, one video's maps in each run, and
 * the artifacts' bytes. Bytes travel as binary: over `stdd serve`'s `/api/artifacts/<id>` route
 * (authorised by the page's cookie), or in Electron as base64 through the contract.
 */

const overHttp = (): boolean => transport === 'websocket'

export const artifactUrl = (id: number): string => `/api/artifacts/${id}`

function fromBase64(text: string): Uint8Array {
  const raw = atob(text)
  return Uint8Array.from(raw, (c) => c.charCodeAt(0))
}

async function artifactBytes(id: number): Promise<Uint8Array> {
  if (!overHttp()) return fromBase64((await invoke('artifacts.read', { id })).base64)
  const res = await fetch(artifactUrl(id), { credentials: 'same-origin' })
  if (!res.ok) throw new Error(`artifact ${id}: ${res.status} ${(await res.text()).trim()}`)
  return new Uint8Array(await res.arrayBuffer())
}

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
      const values = toFloat32(await artifactBytes(id))
      floats.value = { ...floats.value, [id]: values }
    } catch (err) {
      artifactError.value = (err as Error).message
    }
  }

  async function loadImage(id: number): Promise<void> {
    if (images.value[id]) return
    try {
      const url = overHttp() ? artifactUrl(id) : `data:image/png;base64,${(await invoke('artifacts.read', { id })).base64}`
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
