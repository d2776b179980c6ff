import * as tf from '@tensorflow/tfjs'
import { dispatch, groups, uniformBlock } from './dispatch'
import type { TfWebgpuBackend } from './gpu_types'

/**
 * One AdamW update of a variable in one dispatch on WebGPU (tfjs ops take about a dozen): the
 * gradient scaled by the clipping factor (a scalar on the device, never read back), decoupled decay,
 * both moments and the bias-corrected step, as stdd/adamw.ts computes them with ops:
 *   g ← g·scale; m ← β1·m + (1−β1)·g; v ← β2·v + (1−β2)·g²; p ← p·(1 − lr·decay) − lr·(m/c1)/(√(v/c2) + eps)
 */

export const ADAMW = 'StddWgslAdamW'
const WG = 256

function shader(scaled: boolean): string {
  return /* wgsl */ `
struct U { n: u32, p0: u32, p1: u32, p2: u32, lr: f32, beta1: f32, beta2: f32, eps: f32, keep: f32, c1: f32, c2: f32, p3: f32 };
@group(0) @binding(0) var<storage, read_write> pOut: array<f32>;
@group(0) @binding(1) var<storage, read_write> mOut: array<f32>;
@group(0) @binding(2) var<storage, read_write> vOut: array<f32>;
@group(0) @binding(3) var<storage, read> p: array<f32>;
@group(0) @binding(4) var<storage, read> m: array<f32>;
@group(0) @binding(5) var<storage, read> v: array<f32>;
@group(0) @binding(6) var<storage, read> g: array<f32>;
${scaled ? '@group(0) @binding(7) var<storage, read> scale: array<f32>;\n@group(0) @binding(8) var<uniform> u: U;' : '@group(0) @binding(7) var<uniform> u: U;'}
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * ${WG}u;
  if (i >= u.n) { return; }
  let gi = g[i]${scaled ? ' * scale[0]' : ''};
  let mi = u.beta1 * m[i] + (1.0 - u.beta1) * gi;
  let vi = u.beta2 * v[i] + (1.0 - u.beta2) * gi * gi;
  mOut[i] = mi;
  vOut[i] = vi;
  pOut[i] = p[i] * u.keep - u.lr * ((mi / u.c1) / (sqrt(vi / u.c2) + u.eps));
}`
}

export interface AdamWStep {
  lr: number
  beta1: number
  beta2: number
  eps: number
  decay: number
  /** Bias corrections 1 − β1^t, 1 − β2^t. */
  c1: number
  c2: number
}

function kernel({ inputs, attrs, backend: kb }: { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap; backend: unknown }): tf.TensorInfo[] {
  const backend = kb as TfWebgpuBackend
  const { p, m, v, g, scale } = inputs as Record<string, tf.TensorInfo>
  const a = attrs as unknown as AdamWStep
  const n = p!.shape.reduce((x, y) => x * y, 1)
  const outs = [p!, m!, v!].map((t) => backend.makeTensorInfo([...t.shape], 'float32'))
  const wgs = groups(n, WG)
  const x = Math.min(wgs, 65535)
  dispatch(backend, {
    key: `stdd-adamw-${scale ? 'scaled' : 'plain'}`,
    code: () => shader(Boolean(scale)),
    outputs: outs,
    inputs: scale ? [p!, m!, v!, g!, scale] : [p!, m!, v!, g!],
    uniforms: uniformBlock({ u32: [n, 0, 0, 0], f32: [a.lr, a.beta1, a.beta2, a.eps, 1 - a.lr * a.decay, a.c1, a.c2, 0] }),
    workgroups: [x, groups(wgs, x), 1],
  })
  return outs
}

export const ADAMW_KERNELS: { name: string; kernelFunc: tf.KernelFunc }[] = [{ name: ADAMW, kernelFunc: kernel as unknown as tf.KernelFunc }]

/** The new [p, m, v] of one AdamW step (the caller assigns them); `scale` is the clipping factor or null. */
export function wgslAdamW(p: tf.Tensor, m: tf.Tensor, v: tf.Tensor, g: tf.Tensor, scale: tf.Tensor | null, step: AdamWStep): [tf.Tensor, tf.Tensor, tf.Tensor] {
  const inputs: tf.NamedTensorMap = scale ? { p, m, v, g, scale } : { p, m, v, g }
  return tf.engine().runKernel(ADAMW, inputs, step as unknown as tf.NamedAttrMap) as [tf.Tensor, tf.Tensor, tf.Tensor]
}
