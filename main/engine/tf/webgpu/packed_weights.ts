import * as tf from '@tensorflow/tfjs'
import { dispatch, groups, uniformBlock, webgpuBackend } from './dispatch'
import { activeStorage } from './storage'

/**
 * The weights of the engine's matrix products on WebGPU, and with f16 storage their packed f16 copies.
 *
 * `linear` tracks each weight variable it multiplies by ({@link trackWeight}). With f16 storage a
 * tracked weight gets a packed copy in GPU memory: an int32 tensor of ⌈size/2⌉ words, each holding two
 * consecutive values as f16 (WGSL `pack2x16float`, low half first), written by one dispatch. The matrix
 * product reads its weight operand from that copy (matmul.ts: `unpack2x16float`, f32 accumulation), so a
 * weight costs half the bytes to read; the f32 tensor stays the master the optimizer updates (AdamW),
 * and the copies are packed again right after each optimizer step ({@link refreshPackedWeights}).
 * A variable's data changes on `assign`: a copy is keyed by the data it was packed from, so a stale
 * copy is never read (a weight assigned elsewhere is packed again at its next use).
 * The copies are kept tensors (counted by `tf.memory()`): 1.5× the f32 bytes of the weights in memory.
 */

interface Tracked {
  /** The data of the weight the copy was packed from (a variable's changes on assign). */
  from: tf.DataId
  packed: tf.Tensor | null
}

const WG = 256
const tracked = new Map<tf.Tensor, Tracked>()
/** The current data of each tracked weight → its entry (what the product kernel looks up). */
const byData = new Map<tf.DataId, Tracked>()

const PACK = /* wgsl */ `
struct U { words: u32, size: u32, p0: u32, p1: u32 };
@group(0) @binding(0) var<storage, read_write> packed: array<u32>;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<uniform> u: U;
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let w = (wid.x + wid.y * nwg.x) * ${WG}u + lid;
  if (w >= u.words) { return; }
  let hi = select(0.0, x[2u * w + 1u], 2u * w + 1u < u.size);
  packed[w] = pack2x16float(vec2<f32>(x[2u * w], hi));
}`

/** A new int32 tensor of ⌈size/2⌉ words: `x` (float32) as packed f16 pairs. */
function packF16(x: tf.Tensor): tf.Tensor {
  if (x.dtype !== 'float32') throw new Error(`packF16: ${x.dtype} tensor; only float32 weights are packed`)
  const backend = webgpuBackend()
  const words = Math.ceil(x.size / 2)
  const out = tf.engine().makeTensorFromTensorInfo(backend.makeTensorInfo([words], 'int32'))
  const g = groups(words, WG)
  const gx = Math.min(g, 65535)
  dispatch(backend, { key: 'stdd-pack-f16', code: () => PACK, outputs: [out], inputs: [x], uniforms: uniformBlock({ u32: [words, x.size, 0, 0] }), workgroups: [gx, groups(g, gx), 1] })
  return out
}

function forget(weight: tf.Tensor, entry: Tracked): void {
  entry.packed?.dispose()
  byData.delete(entry.from)
  tracked.delete(weight)
}

/** Brings `weight`'s entry up to date with its data and the storage in effect. */
function update(weight: tf.Tensor, entry: Tracked): void {
  const wantPacked = activeStorage() === 'f16'
  if (entry.from === weight.dataId && Boolean(entry.packed) === wantPacked) return
  byData.delete(entry.from)
  entry.packed?.dispose()
  entry.from = weight.dataId
  entry.packed = wantPacked ? tf.keep(packF16(weight)) : null
  byData.set(entry.from, entry)
}

/** Tracks `weight` (a variable the engine's products multiply by) and packs it if f16 storage wants it. */
export function trackWeight(weight: tf.Tensor): void {
  if (!(weight instanceof tf.Variable) || weight.dtype !== 'float32') return
  let entry = tracked.get(weight)
  if (!entry) {
    forgetDisposed() // a new model's weights: the copies of a disposed one's go
    tracked.set(weight, (entry = { from: {}, packed: null })) // from: no data yet
  }
  update(weight, entry)
}

function forgetDisposed(): void {
  for (const [weight, entry] of tracked) if (weight.isDisposed) forget(weight, entry)
}

/** Packs again every tracked weight whose data changed (after an optimizer step); forgets disposed ones. */
export function refreshPackedWeights(): void {
  forgetDisposed()
  for (const [weight, entry] of tracked) update(weight, entry)
}

/** Forgets `weights` and disposes their packed copies. */
export function releasePackedWeights(weights: readonly tf.Tensor[]): void {
  for (const w of weights) {
    const entry = tracked.get(w)
    if (entry) forget(w, entry)
  }
}

/** The tracked weight whose current data is `dataId`: its packed f16 copy (null in f32), or undefined when `dataId` is no tracked weight's. */
export function weightData(dataId: tf.DataId): { packed: tf.Tensor | null } | undefined {
  return byData.get(dataId)
}
