/** CLIP's pixel normalisation (preprocessor_config.json of openai/clip-vit-*). */
export const CLIP_MEAN: readonly [number, number, number] = [0.48145466, 0.4578275, 0.40821073]
export const CLIP_STD: readonly [number, number, number] = [0.26862954, 0.26130258, 0.27577711]

/** Mirrors each frame of RGB bytes `[T, H, W, 3]` left–right, in place. */
export function flipHorizontal(data: Uint8Array, frames: number, height: number, width: number): Uint8Array {
  for (let f = 0; f < frames; f++) {
    for (let y = 0; y < height; y++) {
      const row = (f * height + y) * width * 3
      for (let x = 0; x < width >> 1; x++) {
        const a = row + x * 3
        const b = row + (width - 1 - x) * 3
        for (let c = 0; c < 3; c++) {
          const t = data[a + c]!
          data[a + c] = data[b + c]!
          data[b + c] = t
        }
      }
    }
  }
  return data
}

/** `(x/255 − mean)/std` per channel, RGB bytes (…, 3) → Float32Array of the same layout. */
export function normalize(data: Uint8Array, mean: readonly number[] = CLIP_MEAN, std: readonly number[] = CLIP_STD, out = new Float32Array(data.length)): Float32Array {
  // one lookup table per channel: 3 × 256 entries instead of a multiply-add per element
  const lut = new Float32Array(768)
  for (let c = 0; c < 3; c++) for (let v = 0; v < 256; v++) lut[c * 256 + v] = (v / 255 - mean[c]!) / std[c]!
  const n = data.length
  for (let i = 0; i < n; i += 3) {
    out[i] = lut[data[i]!]!
    out[i + 1] = lut[256 + data[i + 1]!]!
    out[i + 2] = lut[512 + data[i + 2]!]!
  }
  return out
}
