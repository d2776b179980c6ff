import * as tf from '@tensorflow/tfjs'
import { assemble, canAssemble, type Block } from '../tf/assemble'
import type { MixingMode } from './config'

/**
 * Multi-scale Channel Mixing (docs/method.md §1.5, paper Eq. 5–6): the masked token of slot j in
 * frame t takes some of its channels from slot j of frames t ± k of the same clip.
 *
 * With d = width // fold:
 * - `continual` scale s (the released code): loop i = 0 … s−1 with dᵢ = d >> i, writing channels
 *   [0, dᵢ) from frame t−(i+1) and [2d−dᵢ, 2d) from frame t+(i+1), later writes overwriting the
 *   narrower sub-slices; a write happens only where the source frame exists, and channels never
 *   written stay zero (no wrap-around).
 * - `separate` scale δ (paper Eq. 5, absent from the released code): [0, d) from t−δ, [d, 2d) from
 *   t+δ, zero where that frame does not exist.
 * Channels [2d, width) always come from frame t, and the class token is not mixed.
 */

/** A run of channels [start, end) and the frame offset it is read from (0 = the frame itself). */
export interface ChannelSegment {
  start: number
  end: number
  offset: number
}

/** The channel layout of one scale, in channel order. */
export function mixingSegments(mode: MixingMode, scale: number, width: number, fold: number): ChannelSegment[] {
  const d = Math.floor(width / fold)
  if (!Number.isInteger(scale) || scale < 1) throw new Error(`stca.mixing.scales: ${scale} is not a positive integer`)
  if (d < 1 || 2 * d > width) throw new Error(`stca.mixing.fold ${fold} does not fit width ${width} (need 1 ≤ width // fold ≤ width / 2)`)
  const segs: ChannelSegment[] = []
  if (mode === 'separate') {
    segs.push({ start: 0, end: d, offset: -scale }, { start: d, end: 2 * d, offset: scale })
  } else {
    for (let i = scale - 1; i >= 0; i--) segs.push({ start: i === scale - 1 ? 0 : d >> (i + 1), end: d >> i, offset: -(i + 1) })
    for (let i = 0; i < scale; i++) segs.push({ start: 2 * d - (d >> i), end: i === scale - 1 ? 2 * d : 2 * d - (d >> (i + 1)), offset: i + 1 })
  }
  segs.push({ start: 2 * d, end: width, offset: 0 })
  return segs.filter((s) => s.end > s.start)
}

/**
 * The frame a segment of frame `t` reads, or −1 for zeros. In `continual` mode a segment of offset
 * ±k falls back to the nearest existing frame on its side (the last write that happened); frame 0
 * has no past and frame T−1 no future at all.
 */
export function sourceFrame(mode: MixingMode, t: number, frames: number, offset: number): number {
  if (offset === 0) return t
  if (mode === 'separate') {
    const s = t + offset
    return s >= 0 && s < frames ? s : -1
  }
  if (offset < 0) return t === 0 ? -1 : Math.max(t + offset, 0)
  return t === frames - 1 ? -1 : Math.min(t + offset, frames - 1)
}

/**
 * The frames of `x` [B, T, N, C] re-indexed along T by `src` (−1 = zeros), as slices of consecutive
 * runs; zeros at either end are padding (no zero tensor to make and upload).
 */
function reindexFrames(x: tf.Tensor4D, src: number[]): tf.Tensor4D {
  const [b, , n, c] = x.shape
  let lead = 0
  while (lead < src.length && src[lead]! < 0) lead++
  if (lead === src.length) return tf.zeros([b, lead, n, c])
  let trail = 0
  while (src[src.length - 1 - trail]! < 0) trail++
  const pieces: tf.Tensor[] = []
  let t = lead
  while (t < src.length - trail) {
    let run = 1
    const s0 = src[t]!
    if (s0 < 0) {
      while (src[t + run]! < 0) run++
      pieces.push(tf.zeros([b, run, n, c]))
    } else {
      while (t + run < src.length - trail && src[t + run] === s0 + run) run++
      pieces.push(tf.slice(x, [0, s0, 0, 0], [b, run, n, c]))
    }
    t += run
  }
  const body = pieces.length === 1 ? pieces[0]! : tf.concat(pieces, 1)
  return (lead || trail ? tf.pad(body, [[0, 0], [lead, trail], [0, 0], [0, 0]]) : body) as tf.Tensor4D
}

/** The channels mixing can change: [0, 2·(width // fold)) at every scale and in both modes. */
export function mixedWidth(width: number, fold: number): number {
  return 2 * Math.floor(width / fold)
}

/**
 * The mixed channels [0, {@link mixedWidth}) of the branch tokens `m` [B·T, 1 + N', D] (frame index
 * b·T + t, CLS first, CLS unmixed) at one scale: [B·T, 1 + N', 2d]. Channels from 2d on are `m`'s own.
 * Differentiable (slices and concatenations; on WASM one block assembly).
 */
export function mixHead(m: tf.Tensor3D, frames: number, mode: MixingMode, scale: number, fold: number): tf.Tensor3D {
  return mixHeads(m, frames, mode, [scale], fold)
}

/** {@link mixHead} at each of `scales`, stacked along the first axis: [S·B·T, 1 + N', 2d], scale-major. */
export function mixHeads(m: tf.Tensor3D, frames: number, mode: MixingMode, scales: readonly number[], fold: number): tf.Tensor3D {
  const [bt, len, width] = m.shape
  if (bt % frames !== 0) throw new Error(`mixChannels: ${bt} frames are not a whole number of ${frames}-frame clips`)
  const split = mixedWidth(width, fold)
  const moving = scales.map((scale) => mixingSegments(mode, scale, width, fold).filter((s) => s.offset !== 0))
  if (moving.flat().some((s) => s.end > split)) throw new Error('mixChannels: a mixed segment lies beyond the mixed width')
  if (canAssemble()) return mixHeadBlocks(m, frames, mode, moving, split)
  return tf.tidy(() => {
    const head = tf.slice(m.reshape([bt / frames, frames, len, width]), [0, 0, 0, 0], [-1, -1, -1, split]) as tf.Tensor4D
    const cls = tf.slice(head, [0, 0, 0, 0], [-1, -1, 1, -1])
    const patches = tf.slice(head, [0, 0, 1, 0], [-1, -1, len - 1, -1]) as tf.Tensor4D
    const perScale = moving.map((segments) => {
      const parts = segments.map((s) => {
        const channels = tf.slice(patches, [0, 0, 0, s.start], [-1, -1, -1, s.end - s.start]) as tf.Tensor4D
        return reindexFrames(channels, Array.from({ length: frames }, (_, t) => sourceFrame(mode, t, frames, s.offset)))
      })
      return tf.concat([cls, parts.length === 1 ? parts[0]! : tf.concat(parts, 3)], 2).reshape([bt, len, split])
    })
    return (perScale.length === 1 ? perScale[0]! : tf.concat(perScale, 0)) as tf.Tensor3D
  })
}

/** {@link mixHeads} as one block assembly (WASM): per scale, each frame's CLS, and each moving segment read from its source frame. */
function mixHeadBlocks(m: tf.Tensor3D, frames: number, mode: MixingMode, moving: ChannelSegment[][], split: number): tf.Tensor3D {
  const [bt, len, width] = m.shape
  const blocks: Block[] = []
  moving.forEach((segments, i) => {
    const at = i * bt * len * split
    blocks.push({ source: 0, from: 0, fromStride: len * width, to: at, toStride: len * split, rows: bt, cols: split })
    for (let f = 0; f < bt; f++) {
      const clipStart = f - (f % frames)
      for (const s of segments) {
        const src = sourceFrame(mode, f % frames, frames, s.offset)
        if (src >= 0) blocks.push({ source: 0, from: ((clipStart + src) * len + 1) * width + s.start, fromStride: width, to: at + (f * len + 1) * split + s.start, toStride: split, rows: len - 1, cols: s.end - s.start })
      }
    }
  })
  return assemble([m], blocks, [moving.length * bt, len, split]) as tf.Tensor3D
}

/**
 * Mixes the branch tokens `m` [B·T, 1 + N', D] at one scale; returns the same shape: the mixed
 * channels of {@link mixHead} joined with the untouched rest, so the full width is copied once.
 */
export function mixChannels(m: tf.Tensor3D, frames: number, mode: MixingMode, scale: number, fold: number): tf.Tensor3D {
  const width = m.shape[2]
  const split = mixedWidth(width, fold)
  return tf.tidy(() => {
    const head = mixHead(m, frames, mode, scale, fold)
    return (split < width ? tf.concat([head, tf.slice(m, [0, 0, split], [-1, -1, width - split])], 2) : head) as tf.Tensor3D
  })
}
