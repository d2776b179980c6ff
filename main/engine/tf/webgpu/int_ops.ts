import type * as tf from '@tensorflow/tfjs'
import { dispatch, groups, uniformBlock } from './dispatch'
import type { TfWebgpuBackend } from './gpu_types'

/**
 * Replacements for two kernels of tfjs-backend-webgpu 4.22 whose shaders this Dawn no longer compiles
 * ("type mismatch for argument 2 in call to 'setOutputAtIndex', expected 'f32', got 'i32'"): ArgMax
 * and Cast from int32/bool to float32. A shader that fails makes its whole queue submit fail, so every
 * result of that submit reads zeros (the alignment's first-maximum gradient uses both).
 * - ArgMax over one axis, the first maximum (as tfjs's CPU kernel and PyTorch): one thread per output
 *   element walks the reduced axis;
 * - Cast int32/bool → float32: one thread per element.
 */

const WG = 64

const SHADER = /* wgsl */ `
struct U { outer: u32, len: u32, inner: u32, pad: u32 };
@group(0) @binding(0) var<storage, read_write> result: array<i32>;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<uniform> u: U;
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * ${WG}u;
  if (i >= u.outer * u.inner) { return; }
  let o = i / u.inner;
  let base = o * u.len * u.inner + i % u.inner;
  var best = x[base];
  var at = 0u;
  for (var j = 1u; j < u.len; j++) {
    let v = x[base + j * u.inner];
    if (v > best) { best = v; at = j; }
  }
  result[i] = i32(at);
}`

const CAST = /* wgsl */ `
struct U { n: u32, p0: u32, p1: u32, p2: u32 };
@group(0) @binding(0) var<storage, read_write> result: array<f32>;
@group(0) @binding(1) var<storage, read> x: array<i32>;
@group(0) @binding(2) var<uniform> u: U;
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * ${WG}u;
  if (i < u.n) { result[i] = f32(x[i]); }
}`

type Args = { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap; backend: unknown }

function flatGroups(n: number): [number, number, number] {
  const wgs = groups(n, WG)
  const gx = Math.min(wgs, 65535)
  return [gx, groups(wgs, gx), 1]
}

/** Cast int32/bool → float32, or null (tfjs's own then runs) for any other cast. */
export function castToFloat({ inputs, attrs, backend: kb }: Args): tf.TensorInfo | null {
  const backend = kb as TfWebgpuBackend
  const x = inputs.x as tf.TensorInfo
  if (attrs?.dtype !== 'float32' || (x.dtype !== 'int32' && x.dtype !== 'bool')) return null
  const n = x.shape.reduce((a, b) => a * b, 1)
  const out = backend.makeTensorInfo([...x.shape], 'float32')
  dispatch(backend, { key: 'stdd-cast-int-float', code: () => CAST, outputs: [out], inputs: [x], uniforms: uniformBlock({ u32: [n, 0, 0, 0] }), workgroups: flatGroups(n) })
  return out
}

/** ArgMax, or null (tfjs's own then runs) for what it does not take: a non-float32 input. */
export function argMax({ inputs, attrs, backend: kb }: Args): tf.TensorInfo | null {
  const backend = kb as TfWebgpuBackend
  const x = inputs.x as tf.TensorInfo
  if (x.dtype !== 'float32') return null
  const rank = x.shape.length
  const raw = attrs?.axis as number | number[]
  const axis = ((Array.isArray(raw) ? raw[0]! : raw) + rank) % rank
  const outer = x.shape.slice(0, axis).reduce((a, b) => a * b, 1)
  const inner = x.shape.slice(axis + 1).reduce((a, b) => a * b, 1)
  const out = backend.makeTensorInfo([...x.shape.slice(0, axis), ...x.shape.slice(axis + 1)], 'int32')
  dispatch(backend, {
    key: 'stdd-argmax',
    code: () => SHADER,
    outputs: [out],
    inputs: [x],
    uniforms: uniformBlock({ u32: [outer, x.shape[axis]!, inner, 0] }),
    workgroups: flatGroups(outer * inner),
  })
  return out
}
