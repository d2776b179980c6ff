import * as tf from '@tensorflow/tfjs'
import { customOp } from '../custom_grad'
import { dispatch, uniformBlock } from './dispatch'
import type { TfWebgpuBackend } from './gpu_types'
import { activeStorage } from './storage'

/**
 * Multi-head scaled dot-product attention on WebGPU, forward and backward, as the BLAS addon does on
 * the CPU (blas_attention.ts): the heads are column blocks of q/k/v read in place (no head split or
 * merge), q|k|v may come packed side by side in one [B, L, 3D] tensor, and the softmax
 * probabilities [B·H, Lq, Lk] come out for attention maps (an observation without gradient).
 * - forward: one workgroup per (query, head, batch): scores into workgroup memory, max/sum reduced
 *   across the workgroup, probabilities written, out = P·V;
 * - backward, two dispatches: per query row dP = dO·Vᵀ, dS = P⊙(dP − Σ P⊙dP), dQ = scale·dS·K (dS kept
 *   in a scratch tensor); per key row dK = scale·dSᵀ·Q, dV = Pᵀ·dO.
 * Shapes the workgroup memory cannot hold (keys > {@link MAX_KEYS}, head width > {@link MAX_HEAD})
 * are for the caller to route elsewhere ({@link fitsWgslAttention}).
 */

const WG = 64
export const MAX_KEYS = 2048
export const MAX_HEAD = 256
export const ATTENTION_FORWARD = 'StddWgslAttention'
export const ATTENTION_BACKWARD = 'StddWgslAttentionGrad'

export function fitsWgslAttention(keys: number, headWidth: number): boolean {
  return keys <= MAX_KEYS && headWidth <= MAX_HEAD
}

const UNIFORMS = /* wgsl */ `
struct U { lq: u32, lk: u32, d: u32, dh: u32, ld: u32, qOff: u32, kOff: u32, vOff: u32, heads: u32, scale: f32, p0: u32, p1: u32 };`

const REDUCE = /* wgsl */ `
var<workgroup> red: array<f32, ${WG}>;
fn reduce(v: f32, lid: u32, isMax: bool) -> f32 {
  red[lid] = v;
  workgroupBarrier();
  for (var s = ${WG / 2}u; s > 0u; s = s >> 1u) {
    if (lid < s) { red[lid] = select(red[lid] + red[lid + s], max(red[lid], red[lid + s]), isMax); }
    workgroupBarrier();
  }
  let r = red[0];
  workgroupBarrier();
  return r;
}`

/** Row r of head h in a q/k/v operand: its first element's index. */
const ROW = /* wgsl */ `
fn at(b: u32, rows: u32, r: u32, off: u32, h: u32) -> u32 { return (b * rows + r) * u.ld + off + h * u.dh; }
fn outAt(b: u32, rows: u32, r: u32, h: u32) -> u32 { return (b * rows + r) * u.d + h * u.dh; }`

/** With f16 storage (storage.ts) the query row is staged as f16 and the keys and values are read through f16; scores, softmax and sums stay f32. */
function forwardShader(lk: number, dh: number, f16: boolean): string {
  const [el, through] = f16 ? ['f16', (x: string): string => `f32(f16(${x}))`] : ['f32', (x: string): string => x]
  return /* wgsl */ `${f16 ? 'enable f16;' : ''}${UNIFORMS}
@group(0) @binding(0) var<storage, read_write> outp: array<f32>;
@group(0) @binding(1) var<storage, read_write> probs: array<f32>;
@group(0) @binding(2) var<storage, read> Q: array<f32>;
@group(0) @binding(3) var<storage, read> K: array<f32>;
@group(0) @binding(4) var<storage, read> V: array<f32>;
@group(0) @binding(5) var<uniform> u: U;
var<workgroup> qs: array<${el}, ${dh}>;
var<workgroup> ps: array<f32, ${lk}>;
${REDUCE}
${ROW}
@compute @workgroup_size(${WG})
fn main(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3<u32>) {
  let i = wid.x; let h = wid.y; let b = wid.z;
  let qb = at(b, u.lq, i, u.qOff, h);
  for (var d = lid; d < u.dh; d += ${WG}u) { qs[d] = ${el}(Q[qb + d]); }
  workgroupBarrier();
  var mx = -3.402823e38;
  for (var j = lid; j < u.lk; j += ${WG}u) {
    let kb = at(b, u.lk, j, u.kOff, h);
    var s = 0.0;
    for (var d = 0u; d < u.dh; d++) { s = fma(f32(qs[d]), ${through('K[kb + d]')}, s); }
    s = s * u.scale;
    ps[j] = s;
    mx = max(mx, s);
  }
  mx = reduce(mx, lid, true);
  var sum = 0.0;
  for (var j = lid; j < u.lk; j += ${WG}u) { let e = exp(ps[j] - mx); ps[j] = e; sum += e; }
  let inv = 1.0 / reduce(sum, lid, false);
  let pb = ((b * u.heads + h) * u.lq + i) * u.lk;
  for (var j = lid; j < u.lk; j += ${WG}u) { let p = ps[j] * inv; ps[j] = p; probs[pb + j] = p; }
  workgroupBarrier();
  let ob = outAt(b, u.lq, i, h);
  for (var d = lid; d < u.dh; d += ${WG}u) {
    var acc = 0.0;
    for (var j = 0u; j < u.lk; j++) { acc = fma(ps[j], ${through('V[at(b, u.lk, j, u.vOff, h) + d]')}, acc); }
    outp[ob + d] = acc;
  }
}`
}

function gradRowsShader(lk: number, dh: number): string {
  return /* wgsl */ `${UNIFORMS}
@group(0) @binding(0) var<storage, read_write> dQ: array<f32>;
@group(0) @binding(1) var<storage, read_write> dS: array<f32>;
@group(0) @binding(2) var<storage, read> K: array<f32>;
@group(0) @binding(3) var<storage, read> V: array<f32>;
@group(0) @binding(4) var<storage, read> probs: array<f32>;
@group(0) @binding(5) var<storage, read> dY: array<f32>;
@group(0) @binding(6) var<uniform> u: U;
var<workgroup> dos: array<f32, ${dh}>;
var<workgroup> ds: array<f32, ${lk}>;
${REDUCE}
${ROW}
@compute @workgroup_size(${WG})
fn main(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3<u32>) {
  let i = wid.x; let h = wid.y; let b = wid.z;
  let ob = outAt(b, u.lq, i, h);
  for (var d = lid; d < u.dh; d += ${WG}u) { dos[d] = dY[ob + d]; }
  workgroupBarrier();
  let pb = ((b * u.heads + h) * u.lq + i) * u.lk;
  var delta = 0.0;
  for (var j = lid; j < u.lk; j += ${WG}u) {
    let vb = at(b, u.lk, j, u.vOff, h);
    var dp = 0.0;
    for (var d = 0u; d < u.dh; d++) { dp = fma(dos[d], V[vb + d], dp); }
    ds[j] = dp;
    delta = fma(probs[pb + j], dp, delta);
  }
  delta = reduce(delta, lid, false);
  for (var j = lid; j < u.lk; j += ${WG}u) { let s = probs[pb + j] * (ds[j] - delta); ds[j] = s; dS[pb + j] = s; }
  workgroupBarrier();
  for (var d = lid; d < u.dh; d += ${WG}u) {
    var acc = 0.0;
    for (var j = 0u; j < u.lk; j++) { acc = fma(ds[j], K[at(b, u.lk, j, u.kOff, h) + d], acc); }
    dQ[ob + d] = acc * u.scale;
  }
}`
}

const GRAD_COLS = /* wgsl */ `${UNIFORMS}
@group(0) @binding(0) var<storage, read_write> dK: array<f32>;
@group(0) @binding(1) var<storage, read_write> dV: array<f32>;
@group(0) @binding(2) var<storage, read> Q: array<f32>;
@group(0) @binding(3) var<storage, read> probs: array<f32>;
@group(0) @binding(4) var<storage, read> dS: array<f32>;
@group(0) @binding(5) var<storage, read> dY: array<f32>;
@group(0) @binding(6) var<uniform> u: U;
${ROW}
@compute @workgroup_size(${WG})
fn main(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3<u32>) {
  let j = wid.x; let h = wid.y; let b = wid.z;
  let hb = (b * u.heads + h) * u.lq;
  for (var d = lid; d < u.dh; d += ${WG}u) {
    var ak = 0.0;
    var av = 0.0;
    for (var i = 0u; i < u.lq; i++) {
      let idx = (hb + i) * u.lk + j;
      ak = fma(dS[idx], Q[at(b, u.lq, i, u.qOff, h) + d], ak);
      av = fma(probs[idx], dY[outAt(b, u.lq, i, h) + d], av);
    }
    let o = outAt(b, u.lk, j, h);
    dK[o + d] = ak * u.scale;
    dV[o + d] = av;
  }
}`

interface Layout {
  b: number
  lq: number
  lk: number
  d: number
  /** Row stride of q/k/v: D, or 3D when packed. */
  ld: number
  q: tf.TensorInfo
  k: tf.TensorInfo
  v: tf.TensorInfo
  offsets: [number, number, number]
}

function layoutOf(inputs: tf.NamedTensorInfoMap): Layout {
  const { qkv, q, k, v } = inputs as Record<string, tf.TensorInfo | undefined>
  if (qkv) {
    const [b, l, d3] = qkv.shape as [number, number, number]
    return { b, lq: l, lk: l, d: d3 / 3, ld: d3, q: qkv, k: qkv, v: qkv, offsets: [0, d3 / 3, (2 * d3) / 3] }
  }
  const [b, lq, d] = q!.shape as [number, number, number]
  return { b, lq, lk: k!.shape[1]!, d, ld: d, q: q!, k: k!, v: v!, offsets: [0, 0, 0] }
}

function uniformsOf(o: Layout, heads: number): ArrayBuffer {
  const dh = o.d / heads
  return uniformBlock({ u32: [o.lq, o.lk, o.d, dh, o.ld, ...o.offsets, heads], f32: [1 / Math.sqrt(dh)] })
}

type Args = { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap; backend: unknown }

function forward({ inputs, attrs, backend: kb }: Args): tf.TensorInfo[] {
  const backend = kb as TfWebgpuBackend
  const heads = attrs!.heads as number
  const o = layoutOf(inputs)
  const dh = o.d / heads
  const out = backend.makeTensorInfo([o.b, o.lq, o.d], 'float32')
  const probs = backend.makeTensorInfo([o.b * heads, o.lq, o.lk], 'float32')
  const f16 = activeStorage() === 'f16'
  dispatch(backend, {
    key: `stdd-attention-forward-${o.lk}-${dh}-${f16 ? 'f16' : 'f32'}`,
    code: () => forwardShader(o.lk, dh, f16),
    outputs: [out, probs],
    inputs: [o.q, o.k, o.v],
    uniforms: uniformsOf(o, heads),
    workgroups: [o.lq, heads, o.b],
  })
  return [out, probs]
}

/** dq, dk, dv ([B, Lq, D], [B, Lk, D], [B, Lk, D]) whatever the inputs' layout. */
function backward({ inputs, attrs, backend: kb }: Args): tf.TensorInfo[] {
  const backend = kb as TfWebgpuBackend
  const heads = attrs!.heads as number
  const { probs, dy } = inputs as Record<string, tf.TensorInfo>
  const o = layoutOf(inputs)
  const dh = o.d / heads
  const uniforms = uniformsOf(o, heads)
  const dq = backend.makeTensorInfo([o.b, o.lq, o.d], 'float32')
  const dk = backend.makeTensorInfo([o.b, o.lk, o.d], 'float32')
  const dv = backend.makeTensorInfo([o.b, o.lk, o.d], 'float32')
  const dS = backend.makeTensorInfo([o.b * heads, o.lq, o.lk], 'float32')
  dispatch(backend, { key: `stdd-attention-grad-rows-${o.lk}-${dh}`, code: () => gradRowsShader(o.lk, dh), outputs: [dq, dS], inputs: [o.k, o.v, probs!, dy!], uniforms, workgroups: [o.lq, heads, o.b] })
  dispatch(backend, { key: 'stdd-attention-grad-cols', code: () => GRAD_COLS, outputs: [dk, dv], inputs: [o.q, probs!, dS, dy!], uniforms, workgroups: [o.lk, heads, o.b] })
  backend.disposeData(dS.dataId)
  return [dq, dk, dv]
}

export const ATTENTION_KERNELS: { name: string; kernelFunc: tf.KernelFunc }[] = [
  { name: ATTENTION_FORWARD, kernelFunc: forward as unknown as tf.KernelFunc },
  { name: ATTENTION_BACKWARD, kernelFunc: backward as unknown as tf.KernelFunc },
]

export interface WgslAttentionResult {
  /** [B, Lq, D], differentiable with respect to the inputs. */
  out: tf.Tensor3D
  /** [B·H, Lq, Lk]: an observation without gradient; the caller disposes it. */
  probs: tf.Tensor3D
}

/** The fused attention of named float32 inputs (`q`, `k`, `v`, or `qkv` packed) whose shapes the caller has checked. */
export function wgslAttention(names: string[], inputs: tf.Tensor3D[], heads: number): WgslAttentionResult {
  let probs: tf.Tensor | null = null
  const named = (ts: tf.Tensor[]): Record<string, tf.Tensor> => Object.fromEntries(names.map((n, i) => [n, ts[i]!]))
  const out = customOp((xs, save) => {
    const [o, p] = tf.engine().runKernel(ATTENTION_FORWARD, named(xs), { heads }) as tf.Tensor[]
    save([...xs, p!])
    probs = tf.keep(p!)
    return {
      value: o!,
      gradFunc: (dy, saved) => {
        const grads = tf.engine().runKernel(ATTENTION_BACKWARD, { ...named(saved), probs: saved[names.length]!, dy }, { heads }) as tf.Tensor[]
        if (names.length === 3) return grads
        const packed = tf.concat(grads, 2) // one gradient for the packed q|k|v
        tf.dispose(grads)
        return [packed]
      },
    }
  })(...inputs) as tf.Tensor3D
  return { out, probs: probs! as tf.Tensor3D }
}
