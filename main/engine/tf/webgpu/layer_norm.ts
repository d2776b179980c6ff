import type * as tf from '@tensorflow/tfjs'
import { dispatch, groups, uniformBlock } from './dispatch'
import type { TfWebgpuBackend } from './gpu_types'

/**
 * Layer norm over the last axis on WebGPU, as PyTorch's (biased variance, eps inside the root):
 * - `StddLayerNorm` (x, gamma, beta; attr eps) → y, and the per-row mean and 1/σ the gradient reuses:
 *   one workgroup per row, two passes over the row (mean, then centred variance) reduced in
 *   workgroup memory, then y written;
 * - `StddLayerNormGrad` (dy, x, gamma, mean, rstd) → dx, dgamma, dbeta: one workgroup per row for dx
 *   (dx = rstd·(g − mean(g) − x̂·mean(g·x̂)), g = dy·γ), one thread per column for dγ = Σ dy·x̂ and
 *   dβ = Σ dy over the rows.
 */

const WG = 64
const MAX_X = 65535

const REDUCE = /* wgsl */ `
var<workgroup> red: array<f32, ${WG}>;
fn reduceSum(v: f32, lid: u32) -> f32 {
  red[lid] = v;
  workgroupBarrier();
  for (var s = ${WG / 2}u; s > 0u; s = s >> 1u) {
    if (lid < s) { red[lid] = red[lid] + red[lid + s]; }
    workgroupBarrier();
  }
  let total = red[0];
  workgroupBarrier();
  return total;
}`

const ROW_PROLOGUE = /* wgsl */ `
struct U { rows: u32, width: u32, eps: f32, pad: u32 };`

const FORWARD = /* wgsl */ `${ROW_PROLOGUE}
@group(0) @binding(0) var<storage, read_write> y: array<f32>;
@group(0) @binding(1) var<storage, read_write> meanOut: array<f32>;
@group(0) @binding(2) var<storage, read_write> rstdOut: array<f32>;
@group(0) @binding(3) var<storage, read> x: array<f32>;
@group(0) @binding(4) var<storage, read> gamma: array<f32>;
@group(0) @binding(5) var<storage, read> beta: array<f32>;
@group(0) @binding(6) var<uniform> u: U;
${REDUCE}
@compute @workgroup_size(${WG})
fn main(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3<u32>) {
  let row = wid.x + wid.y * ${MAX_X}u;
  if (row >= u.rows) { return; }
  let base = row * u.width;
  let w = f32(u.width);
  var s = 0.0;
  for (var i = lid; i < u.width; i += ${WG}u) { s += x[base + i]; }
  let mean = reduceSum(s, lid) / w;
  var q = 0.0;
  for (var i = lid; i < u.width; i += ${WG}u) { let d = x[base + i] - mean; q += d * d; }
  let rstd = inverseSqrt(reduceSum(q, lid) / w + u.eps);
  for (var i = lid; i < u.width; i += ${WG}u) { y[base + i] = (x[base + i] - mean) * rstd * gamma[i] + beta[i]; }
  if (lid == 0u) { meanOut[row] = mean; rstdOut[row] = rstd; }
}`

const GRAD_X = /* wgsl */ `${ROW_PROLOGUE}
@group(0) @binding(0) var<storage, read_write> dx: array<f32>;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read> x: array<f32>;
@group(0) @binding(3) var<storage, read> gamma: array<f32>;
@group(0) @binding(4) var<storage, read> mean: array<f32>;
@group(0) @binding(5) var<storage, read> rstd: array<f32>;
@group(0) @binding(6) var<uniform> u: U;
${REDUCE}
@compute @workgroup_size(${WG})
fn main(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3<u32>) {
  let row = wid.x + wid.y * ${MAX_X}u;
  if (row >= u.rows) { return; }
  let base = row * u.width;
  let m = mean[row];
  let r = rstd[row];
  var sg = 0.0;
  var sgx = 0.0;
  for (var i = lid; i < u.width; i += ${WG}u) {
    let g = dy[base + i] * gamma[i];
    sg += g;
    sgx += g * (x[base + i] - m) * r;
  }
  let w = f32(u.width);
  let a = reduceSum(sg, lid) / w;
  let b = reduceSum(sgx, lid) / w;
  for (var i = lid; i < u.width; i += ${WG}u) {
    let g = dy[base + i] * gamma[i];
    dx[base + i] = r * (g - a - (x[base + i] - m) * r * b);
  }
}`

const GRAD_PARAMS = /* wgsl */ `${ROW_PROLOGUE}
@group(0) @binding(0) var<storage, read_write> dgamma: array<f32>;
@group(0) @binding(1) var<storage, read_write> dbeta: array<f32>;
@group(0) @binding(2) var<storage, read> dy: array<f32>;
@group(0) @binding(3) var<storage, read> x: array<f32>;
@group(0) @binding(4) var<storage, read> mean: array<f32>;
@group(0) @binding(5) var<storage, read> rstd: array<f32>;
@group(0) @binding(6) var<uniform> u: U;
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let col = gid.x;
  if (col >= u.width) { return; }
  var sg = 0.0;
  var sb = 0.0;
  for (var row = 0u; row < u.rows; row++) {
    let i = row * u.width + col;
    sg += dy[i] * (x[i] - mean[row]) * rstd[row];
    sb += dy[i];
  }
  dgamma[col] = sg;
  dbeta[col] = sb;
}`

type Args = { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap; backend: unknown }

function rowsOf(x: tf.TensorInfo): [number, number] {
  const width = x.shape[x.shape.length - 1]!
  return [x.shape.reduce((a, b) => a * b, 1) / width, width]
}

function rowGroups(rows: number): [number, number, number] {
  return [Math.min(rows, MAX_X), groups(rows, MAX_X), 1]
}

function forward({ inputs, attrs, backend: kb }: Args): tf.TensorInfo[] {
  const backend = kb as TfWebgpuBackend
  const { x, gamma, beta } = inputs as Record<string, tf.TensorInfo>
  const [rows, width] = rowsOf(x!)
  const y = backend.makeTensorInfo([...x!.shape], 'float32')
  const mean = backend.makeTensorInfo([rows], 'float32')
  const rstd = backend.makeTensorInfo([rows], 'float32')
  dispatch(backend, {
    key: 'stdd-layernorm-forward',
    code: () => FORWARD,
    outputs: [y, mean, rstd],
    inputs: [x!, gamma!, beta!],
    uniforms: uniformBlock({ u32: [rows, width], f32: [attrs!.eps as number, 0] }),
    workgroups: rowGroups(rows),
  })
  return [y, mean, rstd]
}

function backward({ inputs, backend: kb }: Args): tf.TensorInfo[] {
  const backend = kb as TfWebgpuBackend
  const { dy, x, gamma, mean, rstd } = inputs as Record<string, tf.TensorInfo>
  const [rows, width] = rowsOf(x!)
  const uniforms = uniformBlock({ u32: [rows, width, 0, 0] })
  const dx = backend.makeTensorInfo([...x!.shape], 'float32')
  const dgamma = backend.makeTensorInfo([width], 'float32')
  const dbeta = backend.makeTensorInfo([width], 'float32')
  dispatch(backend, { key: 'stdd-layernorm-grad-x', code: () => GRAD_X, outputs: [dx], inputs: [dy!, x!, gamma!, mean!, rstd!], uniforms, workgroups: rowGroups(rows) })
  dispatch(backend, { key: 'stdd-layernorm-grad-params', code: () => GRAD_PARAMS, outputs: [dgamma, dbeta], inputs: [dy!, x!, mean!, rstd!], uniforms, workgroups: [groups(width, WG), 1, 1] })
  return [dx, dgamma, dbeta]
}

export const LAYER_NORM_FORWARD = 'StddLayerNorm'
export const LAYER_NORM_GRAD = 'StddLayerNormGrad'

export const LAYER_NORM_KERNELS: { name: string; kernelFunc: tf.KernelFunc }[] = [
  { name: LAYER_NORM_FORWARD, kernelFunc: forward as unknown as tf.KernelFunc },
  { name: LAYER_NORM_GRAD, kernelFunc: backward as unknown as tf.KernelFunc },
]
