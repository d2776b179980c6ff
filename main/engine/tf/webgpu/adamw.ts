import * as tf from '@tensorflow/tfjs'
import { addMany } from '../add_many'
import { clearBetween, copyBetween, dispatch, groups, uniformBlock, webgpuBackend } from './dispatch'
import type { TfWebgpuBackend } from './gpu_types'

/**
 * AdamW over all variables in one dispatch on WebGPU. The optimizer's moments live in flat buffers
 * (one m, one v; a variable is a segment at a fixed offset); each step copies the variables and their
 * gradients into flat buffers (buffer copies, not dispatches), computes the global gradient norm on
 * the flat gradient, runs one dispatch over a table of segments, then copies each updated variable out
 * into a new tensor that the caller assigns. Per segment, as stdd/adamw.ts computes with ops:
 *   g ← g·scale; m ← β1·m + (1−β1)·g; v ← β2·v + (1−β2)·g²; p ← p·(1 − lr·decay) − lr·(m/c1)/(√(v/c2) + eps)
 * with scale = min(1, clip / (‖g‖ + 1e-6)) when clipping, the segment's own decay and bias corrections
 * c1 = 1 − β1^t, c2 = 1 − β2^t (t: that variable's updates). A variable without a gradient is left out.
 * Variables too many for one binding (the adapter's maxStorageBufferBindingSize) go to several chunks,
 * one dispatch each.
 */

const WG = 256

const SHADER = /* wgsl */ `
struct Seg { start: u32, len: u32, firstGroup: u32, p0: u32, keep: f32, c1: f32, c2: f32, p1: f32 };
// oneMinusBeta*: 1 − β computed in float64 on the CPU, as the tfjs ops get it (1 − f32(β) differs by 1e-5 relative)
struct U { groups: u32, segs: u32, clipped: u32, p0: u32, lr: f32, beta1: f32, beta2: f32, eps: f32, clip: f32, oneMinusBeta1: f32, oneMinusBeta2: f32, p1: f32 };
@group(0) @binding(0) var<storage, read_write> p: array<f32>;
@group(0) @binding(1) var<storage, read_write> m: array<f32>;
@group(0) @binding(2) var<storage, read_write> v: array<f32>;
@group(0) @binding(3) var<storage, read> g: array<f32>;
@group(0) @binding(4) var<storage, read> norm: array<f32>;
@group(0) @binding(5) var<storage, read> segs: array<Seg>;
@group(0) @binding(6) var<uniform> u: U;
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let group = wid.x + wid.y * nwg.x;
  if (group >= u.groups) { return; }
  var lo = 0u;
  var hi = u.segs - 1u;
  while (lo < hi) {
    let mid = (lo + hi + 1u) / 2u;
    if (segs[mid].firstGroup <= group) { lo = mid; } else { hi = mid - 1u; }
  }
  let s = segs[lo];
  let local = (group - s.firstGroup) * ${WG}u + lid;
  if (local >= s.len) { return; }
  let i = s.start + local;
  var scale = 1.0;
  if (u.clipped != 0u) { scale = min(1.0, u.clip / (norm[0] + 1e-6)); }
  let gi = g[i] * scale;
  let mi = u.beta1 * m[i] + u.oneMinusBeta1 * gi;
  let vi = u.beta2 * v[i] + u.oneMinusBeta2 * (gi * gi);
  m[i] = mi;
  v[i] = vi;
  p[i] = p[i] * s.keep - u.lr * ((mi / s.c1) / (sqrt(vi / s.c2) + u.eps));
}`

export interface AdamWHyper {
  lr: number
  beta1: number
  beta2: number
  eps: number
  /** Clip the global gradient norm to this value (none when absent). */
  clipNorm?: number
}

/** One variable's part of a step: its gradient (null: left alone), decay and bias corrections. */
export interface SegmentStep {
  grad: tf.Tensor | null
  decay: number
  c1: number
  c2: number
}

interface Chunk {
  /** The variables of the chunk and their offsets in it. */
  members: tf.Variable[]
  offsets: number[]
  m: tf.Tensor1D
  v: tf.Tensor1D
  /** Scratch: the variables and the gradients, copied in each step. */
  p: tf.Tensor1D
  g: tf.Tensor1D
}

/** Splits sizes into consecutive chunks of at most `limit` elements (a larger single variable gets its own). */
function chunking(sizes: number[], limit: number): number[][] {
  const out: number[][] = []
  let cur: number[] = []
  let n = 0
  sizes.forEach((size, i) => {
    if (cur.length && n + size > limit) {
      out.push(cur)
      cur = []
      n = 0
    }
    cur.push(i)
    n += size
  })
  if (cur.length) out.push(cur)
  return out
}

/** The flat AdamW state of a fixed list of float32 variables on WebGPU. */
export class FlatAdamW {
  private readonly chunks: Chunk[]
  private readonly place = new Map<tf.Variable, { chunk: Chunk; offset: number }>()
  /** The variables laid out, in layout order. */
  readonly members: readonly tf.Variable[]

  /**
   * Lays out `vars`; `moments(v)` gives the [m, v] to start from (null: zeros); they stay the caller's.
   * A chunk holds at most `chunkElements` values (default: what one binding of the device takes).
   */
  constructor(vars: readonly tf.Variable[], moments: (v: tf.Variable) => [tf.Tensor, tf.Tensor] | null, chunkElements?: number) {
    this.members = [...vars]
    const limits = webgpuBackend().device.limits
    const limit = chunkElements ?? Math.floor(Math.min(limits.maxStorageBufferBindingSize ?? 2 ** 27, limits.maxBufferSize ?? 2 ** 28) / 4)
    this.chunks = chunking(
      vars.map((v) => v.size),
      limit,
    ).map((indices) => {
      const members = indices.map((i) => vars[i]!)
      const offsets: number[] = []
      let total = 0
      for (const v of members) {
        offsets.push(total)
        total += v.size
      }
      const flatOf = (k: 0 | 1): tf.Tensor1D => tf.tidy(() => tf.concat(members.map((v) => moments(v)?.[k].reshape([-1]) ?? tf.zeros([v.size]))) as tf.Tensor1D)
      const chunk: Chunk = { members, offsets, m: flatOf(0), v: flatOf(1), p: tf.zeros([total]), g: tf.zeros([total]) }
      members.forEach((v, k) => this.place.set(v, { chunk, offset: offsets[k]! }))
      return chunk
    })
  }

  /** Whether every one of `vars` has a place here. */
  covers(vars: readonly tf.Variable[]): boolean {
    return vars.every((v) => this.place.has(v))
  }

  /** Variable `v`'s moments as new tensors (the caller disposes them). */
  momentsOf(v: tf.Variable): [tf.Tensor, tf.Tensor] {
    const at = this.place.get(v)
    if (!at) throw new Error(`FlatAdamW: variable ${v.name} has no moments here`)
    return [at.chunk.m, at.chunk.v].map((t) => tf.tidy(() => tf.slice(t, at.offset, v.size).reshape(v.shape))) as [tf.Tensor, tf.Tensor]
  }

  /**
   * One step of `vars` (all laid out here), `perVar` in the same order; returns the gradient norm
   * before clipping and each variable's new value (null where its gradient is), new tensors for the
   * caller to assign and dispose. Variables laid out here but not in `vars` are left alone.
   */
  step(vars: readonly tf.Variable[], perVar: readonly SegmentStep[], h: AdamWHyper): { norm: tf.Scalar; updated: (tf.Tensor | null)[] } {
    const backend = webgpuBackend()
    const stepOf = new Map<tf.Variable, SegmentStep>()
    vars.forEach((v, k) => stepOf.set(v, perVar[k]!))
    for (const c of this.chunks) {
      c.members.forEach((v, k) => {
        const grad = stepOf.get(v)?.grad
        const [offset, bytes] = [c.offsets[k]! * 4, v.size * 4]
        if (grad) {
          copyBetween(backend, grad, 0, c.g, offset, bytes)
          copyBetween(backend, v, 0, c.p, offset, bytes)
        } else clearBetween(backend, c.g, offset, bytes)
      })
    }
    const norm = tf.tidy(() => tf.sqrt(this.chunks.length === 1 ? tf.sum(tf.square(this.chunks[0]!.g)) : addMany(this.chunks.map((c) => tf.sum(tf.square(c.g)))))) as tf.Scalar
    for (const c of this.chunks) this.dispatchChunk(backend, c, stepOf, norm, h)
    const updated = vars.map((v) => {
      if (!stepOf.get(v)?.grad) return null
      const { chunk, offset } = this.place.get(v)!
      const out = tf.engine().makeTensorFromTensorInfo(backend.makeTensorInfo([...v.shape], 'float32'))
      copyBetween(backend, chunk.p, offset * 4, out, 0, v.size * 4)
      return out
    })
    return { norm, updated }
  }

  private dispatchChunk(backend: TfWebgpuBackend, c: Chunk, stepOf: Map<tf.Variable, SegmentStep>, norm: tf.Scalar, h: AdamWHyper): void {
    const segs: number[][] = []
    let firstGroup = 0
    c.members.forEach((v, k) => {
      const s = stepOf.get(v)
      if (!s?.grad) return
      const len = v.size
      segs.push([c.offsets[k]!, len, firstGroup, 0, 1 - h.lr * s.decay, s.c1, s.c2, 0])
      firstGroup += groups(len, WG)
    })
    if (!segs.length) return
    const table = new ArrayBuffer(segs.length * 32)
    segs.forEach((row, r) => {
      new Uint32Array(table, r * 32, 4).set(row.slice(0, 4))
      new Float32Array(table, r * 32 + 16, 4).set(row.slice(4))
    })
    const x = Math.min(firstGroup, 65535)
    dispatch(backend, {
      key: 'stdd-adamw-flat',
      code: () => SHADER,
      outputs: [c.p, c.m, c.v],
      inputs: [c.g, norm],
      tables: [table],
      uniforms: uniformBlock({ u32: [firstGroup, segs.length, h.clipNorm === undefined ? 0 : 1, 0], f32: [h.lr, h.beta1, h.beta2, h.eps, h.clipNorm ?? 0, 1 - h.beta1, 1 - h.beta2, 0] }),
      workgroups: [x, groups(firstGroup, x), 1],
    })
  }

  dispose(): void {
    for (const c of this.chunks) tf.dispose([c.m, c.v, c.p, c.g])
  }
}
