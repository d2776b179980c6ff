import { shallowRef } from 'vue'
import { decodeMap, type MapEncoding } from '../../contract/api-runtime'
import { readArtifact } from '../api/bridge'

/**
 * Artifacts a view shows, read once through the bridge's `readArtifact` (binary over `stdd serve`,
 * base64 in Electron: the stores never look at the transport) and kept by id, since an artifact
 * never changes once written: PNG images as data URLs, maps as decoded values.
 */

/** PNG bytes as a `data:` URL an image or a CSS background can show. */
export function pngDataUrl(bytes: Uint8Array): string {
  let text = ''
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return `data:image/png;base64,${btoa(text)}`
}

export function useArtifactCache() {
  const images = shallowRef<Record<number, string>>({})
  const values = shallowRef<Record<number, Float32Array>>({})
  const error = shallowRef<string | null>(null)

  async function guarded(load: () => Promise<void>): Promise<void> {
    try {
      await load()
    } catch (err) {
      error.value = (err as Error).message
    }
  }

  const loadImage = (id: number): Promise<void> =>
    images.value[id] ? Promise.resolve() : guarded(async () => {
      const url = pngDataUrl(await readArtifact(id))
      images.value = { ...images.value, [id]: url }
    })

  /** A map's values; `expected` checks the count against the map's shape. */
  const loadValues = (id: number, encoding: MapEncoding, expected: number): Promise<void> =>
    values.value[id] ? Promise.resolve() : guarded(async () => {
      const decoded = decodeMap(await readArtifact(id), encoding, expected)
      values.value = { ...values.value, [id]: decoded }
    })

  return { images, values, error, loadImage, loadValues }
}
