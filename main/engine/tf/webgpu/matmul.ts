import * as tf from '@tensorflow/tfjs'
import { dispatch, groups, uniformBlock } from './dispatch'
import { activationWgsl, ERF_WGSL, type EpilogueActivation } from './epilogue'
import type { TfWebgpuBackend } from './gpu_types'
import { countWeightRead } from './counters'
import { weightData } from './packed_weights'
import { activeStorage } from './storage'

/**
 * The engine's matrix product on WebGPU: C[b] = act(op(A[b]) · op(B[b]) + bias), float32, with either
 * operand transposed in place (so the forward product and both gradients are one kernel each), batched
 * (equal batches, or one operand shared by every batch entry).
 *
 * Each workgroup of 16×16 threads computes a BM×BN tile of C, each thread TM×TN outputs (4×4 on
 * 64×64 tiles, 8×8 on 128×128 tiles for large products), stepping through K in BK-deep slices staged
 * in workgroup memory; operands are read as vec4 where the contiguous axis is a multiple of 4, else
 * as checked scalars (odd shapes). The bias and activation run in the epilogue, on registers.
 * With f16 storage (storage.ts) the staged tiles are f16 (operands rounded once, as they are staged)
 * and the products still accumulate in f32; a B operand that is a tracked weight is read from its
 * packed f16 copy (packed_weights.ts: two halves per u32), half the bytes of the f32 weight.
 */

interface Tiling {
  bm: number
  bn: number
  bk: number
  tm: number
  tn: number
}

const SMALL: Tiling = { bm: 64, bn: 64, bk: 16, tm: 4, tn: 4 }
const LARGE: Tiling = { bm: 128, bn: 128, bk: 8, tm: 8, tn: 8 }

export interface MatMulPlan {
  m: number
  n: number
  k: number
  batch: number
  /** 0 when A (or B) is one matrix shared by every batch entry. */
  aBatched: boolean
  bBatched: boolean
  transposeA: boolean
  transposeB: boolean
  bias: boolean
  activation: EpilogueActivation
}

function tilingFor(p: MatMulPlan): Tiling {
  return p.m >= 256 && p.n >= 256 ? LARGE : SMALL
}

interface Variant {
  t: Tiling
  vecA: boolean
  vecB: boolean
  vecC: boolean
  f16: boolean
  /** B is read from a packed f16 copy (u32 words of two halves; vec2<u32> for 4 values). */
  packedB: boolean
}

function variantFor(p: MatMulPlan, packedB: boolean): Variant {
  return {
    packedB,
    t: tilingFor(p),
    vecA: (p.transposeA ? p.m : p.k) % 4 === 0,
    vecB: (p.transposeB ? p.k : p.n) % 4 === 0,
    vecC: p.n % 4 === 0,
    f16: activeStorage() === 'f16',
  }
}

/** A row-major loader of 4 consecutive values (zero outside `rows`×`cols`); `packed`: f16 pairs in u32 words. */
function loader(name: string, vec: boolean, packed = false): string {
  const vecRead = packed ? `let w = ${name}[(base + row * cols + col) / 4u];\n    return vec4<f32>(unpack2x16float(w.x), unpack2x16float(w.y));` : `return ${name}[(base + row * cols + col) / 4u];`
  const scalarRead = packed ? `let e = base + row * cols + col + i; v[i] = unpack2x16float(${name}[e / 2u])[e % 2u];` : `v[i] = ${name}[base + row * cols + col + i];`
  const body = vec
    ? `if (row < rows && col < cols) {
    ${vecRead}
  }
  return vec4<f32>(0.0);`
    : `var v = vec4<f32>(0.0);
  if (row < rows) {
    for (var i = 0u; i < 4u; i++) { if (col + i < cols) { ${scalarRead} } }
  }
  return v;`
  return `fn load${name}(base: u32, row: u32, col: u32, rows: u32, cols: u32) -> vec4<f32> {
  ${body}
}`
}

/**
 * Stages one operand tile into workgroup memory laid out [k][outer] (scalars: threads never write
 * parts of one vector, which could race where a component store is a read-modify-write).
 * `kContiguous`: the operand's rows run along the outer axis (A untransposed, B transposed), so a
 * loaded vec4 spans 4 k-values and is scattered; otherwise it spans 4 outer values and is stored whole.
 */
function stage(name: string, tile: string, outer: number, bk: number, kContiguous: boolean, origin: string, rowsU: string, colsU: string, elem: string): string {
  const perThread = (outer * bk) / 4 / 256
  if (kContiguous) {
    return `for (var l = 0u; l < ${perThread}u; l++) {
      let idx = local + l * 256u;
      let r = idx / ${bk / 4}u;
      let c = (idx % ${bk / 4}u) * 4u;
      let v = load${name}(${name}Base, ${origin} + r, k0 + c, ${rowsU}, ${colsU});
      for (var i = 0u; i < 4u; i++) { ${tile}[(c + i) * ${outer}u + r] = ${elem}(v[i]); }
    }`
  }
  return `for (var l = 0u; l < ${perThread}u; l++) {
      let idx = local + l * 256u;
      let r = idx / ${outer / 4}u;
      let c = (idx % ${outer / 4}u) * 4u;
      let v = load${name}(${name}Base, k0 + r, ${origin} + c, ${rowsU}, ${colsU});
      for (var i = 0u; i < 4u; i++) { ${tile}[r * ${outer}u + c + i] = ${elem}(v[i]); }
    }`
}

function shader(p: MatMulPlan, v: Variant): string {
  const { bm, bn, bk, tm, tn } = v.t
  const elem = (vec: boolean): string => (vec ? 'vec4<f32>' : 'f32')
  const tileElem = v.f16 ? 'f16' : 'f32'
  const nj = tn / 4
  const act = activationWgsl(p.activation)
  // A as stored: [M, K] row-major (rows M, cols K), or [K, M] when transposed. B: [K, N], or [N, K].
  const aDims = p.transposeA ? ['u.k', 'u.m'] : ['u.m', 'u.k']
  const bDims = p.transposeB ? ['u.n', 'u.k'] : ['u.k', 'u.n']
  const store = v.vecC
    ? `if (col < u.n) { C[(cBase + row * u.n + col) / 4u] = v; }`
    : `for (var c = 0u; c < 4u; c++) { if (col + c < u.n) { C[cBase + row * u.n + col + c] = v[c]; } }`
  return /* wgsl */ `${v.f16 ? 'enable f16;' : ''}
struct U { m: u32, n: u32, k: u32, aStride: u32, bStride: u32, pad0: u32, pad1: u32, pad2: u32 };
@group(0) @binding(0) var<storage, read_write> C: array<${elem(v.vecC)}>;
@group(0) @binding(1) var<storage, read> A: array<${elem(v.vecA)}>;
@group(0) @binding(2) var<storage, read> B: array<${v.packedB ? (v.vecB ? 'vec2<u32>' : 'u32') : elem(v.vecB)}>;
${p.bias ? '@group(0) @binding(3) var<storage, read> bias: array<f32>;\n@group(0) @binding(4) var<uniform> u: U;' : '@group(0) @binding(3) var<uniform> u: U;'}
var<workgroup> As: array<${tileElem}, ${bk * bm}>;
var<workgroup> Bs: array<${tileElem}, ${bk * bn}>;
${loader('A', v.vecA)}
${loader('B', v.vecB, v.packedB)}
${p.activation === 'gelu' ? ERF_WGSL : ''}
@compute @workgroup_size(16, 16, 1)
fn main(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) local: u32) {
  let batch = wid.z;
  let ABase = batch * u.aStride;
  let BBase = batch * u.bStride;
  let cBase = batch * u.m * u.n;
  let mOrigin = wid.y * ${bm}u;
  let nOrigin = wid.x * ${bn}u;
  var acc: array<vec4<f32>, ${(tm * tn) / 4}>;
  for (var k0 = 0u; k0 < u.k; k0 += ${bk}u) {
    ${stage('A', 'As', bm, bk, !p.transposeA, 'mOrigin', aDims[0]!, aDims[1]!, tileElem)}
    ${stage('B', 'Bs', bn, bk, p.transposeB, 'nOrigin', bDims[0]!, bDims[1]!, tileElem)}
    workgroupBarrier();
    for (var kk = 0u; kk < ${bk}u; kk++) {
      var a: array<f32, ${tm}>;
      for (var i = 0u; i < ${tm}u; i++) { a[i] = f32(As[kk * ${bm}u + lid.y * ${tm}u + i]); }
      for (var j = 0u; j < ${nj}u; j++) {
        let o = kk * ${bn}u + lid.x * ${tn}u + j * 4u;
        let bv = vec4<f32>(f32(Bs[o]), f32(Bs[o + 1u]), f32(Bs[o + 2u]), f32(Bs[o + 3u]));
        for (var i = 0u; i < ${tm}u; i++) { acc[i * ${nj}u + j] = fma(vec4<f32>(a[i]), bv, acc[i * ${nj}u + j]); }
      }
    }
    workgroupBarrier();
  }
  for (var i = 0u; i < ${tm}u; i++) {
    let row = mOrigin + lid.y * ${tm}u + i;
    if (row >= u.m) { break; }
    for (var j = 0u; j < ${nj}u; j++) {
      let col = nOrigin + lid.x * ${tn}u + j * 4u;
      var v = acc[i * ${nj}u + j];
      ${p.bias ? 'var bv = vec4<f32>(0.0);\n      for (var c = 0u; c < 4u; c++) { if (col + c < u.n) { bv[c] = bias[col + c]; } }\n      v = v + bv;' : ''}
      v = ${act};
      ${store}
    }
  }
}`
}

function key(p: MatMulPlan, v: Variant): string {
  return `stdd-matmul-${v.t.bm}x${v.t.bn}x${v.t.bk}-${v.t.tm}x${v.t.tn}-${p.transposeA ? 'T' : 'N'}${p.transposeB ? 'T' : 'N'}-${v.vecA ? 'v' : 's'}${v.vecB ? 'v' : 's'}${v.vecC ? 'v' : 's'}-${p.bias ? 'bias' : 'nobias'}-${p.activation}-${v.f16 ? 'f16' : 'f32'}${v.packedB ? '-packedB' : ''}`
}

/**
 * Records the product into `out` ([batch, m, n] floats); inputs as tfjs TensorInfos on `backend`. A `b`
 * that is a tracked weight is counted (bytes its tiles read) and, with f16 storage, read from its packed copy.
 */
export function runMatMul(backend: TfWebgpuBackend, p: MatMulPlan, a: tf.TensorInfo, b: tf.TensorInfo, bias: tf.TensorInfo | null, out: tf.TensorInfo): void {
  const weight = weightData(b.dataId)
  const packed = activeStorage() === 'f16' ? (weight?.packed ?? null) : null
  const v = variantFor(p, packed !== null)
  // each row of workgroups reads the whole of its batch entry's B
  if (weight) countWeightRead(groups(p.m, v.t.bm) * p.batch * p.k * p.n * (packed ? 2 : 4))
  dispatch(backend, {
    key: key(p, v),
    code: () => shader(p, v),
    outputs: [out],
    inputs: [a, packed ?? b, ...(bias ? [bias] : [])],
    uniforms: uniformBlock({ u32: [p.m, p.n, p.k, p.aBatched ? p.m * p.k : 0, p.bBatched ? p.k * p.n : 0, 0, 0, 0] }),
    workgroups: [groups(p.n, v.t.bn), groups(p.m, v.t.bm), p.batch],
  })
}

/** The plan of `op(a)·op(b)` for tfjs shapes (rank ≥ 2), or null when the batches broadcast in a way this kernel does not take. */
export function planMatMul(aShape: readonly number[], bShape: readonly number[], transposeA: boolean, transposeB: boolean): (MatMulPlan & { outShape: number[] }) | null {
  if (aShape.length < 2 || bShape.length < 2) return null
  const [ar, ac] = aShape.slice(-2) as [number, number]
  const [br, bc] = bShape.slice(-2) as [number, number]
  const [m, k] = transposeA ? [ac, ar] : [ar, ac]
  const [k2, n] = transposeB ? [bc, br] : [br, bc]
  if (k !== k2) return null
  const aBatch = aShape.slice(0, -2)
  const bBatch = bShape.slice(0, -2)
  const size = (s: number[]): number => s.reduce((x, y) => x * y, 1)
  const [na, nb] = [size(aBatch), size(bBatch)]
  let batchShape: number[]
  if (na === nb && aBatch.length === bBatch.length && aBatch.every((d, i) => d === bBatch[i])) batchShape = aBatch
  else if (na === 1) batchShape = bBatch
  else if (nb === 1) batchShape = aBatch
  else return null
  return { m, n, k, batch: Math.max(na, nb), aBatched: na > 1, bBatched: nb > 1, transposeA, transposeB, bias: false, activation: 'linear', outShape: [...batchShape, m, n] }
}

export const WGSL_MATMUL = 'StddWgslMatMul'

/** The kernel behind {@link wgslMatMul}: inputs a, b (, bias); attrs transposeA, transposeB, activation. */
export function wgslMatMulKernel({ inputs, attrs, backend: kb }: { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap; backend: unknown }): tf.TensorInfo {
  const { a, b, bias } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo; bias?: tf.TensorInfo }
  const ta = Boolean(attrs?.transposeA)
  const tb = Boolean(attrs?.transposeB)
  const plan = planMatMul(a.shape, b.shape, ta, tb)
  if (!plan) throw new Error(`matMul (WGSL): shapes [${a.shape}] and [${b.shape}] (transposeA=${ta}, transposeB=${tb}) do not multiply`)
  if ([a, b, ...(bias ? [bias] : [])].some((t) => t.dtype !== 'float32')) throw new Error('matMul (WGSL): operands must be float32')
  if (bias && (bias.shape.length !== 1 || bias.shape[0] !== plan.n)) throw new Error(`matMul (WGSL): bias [${bias.shape}] must be [${plan.n}]`)
  const backend = kb as TfWebgpuBackend
  const out = backend.makeTensorInfo(plan.outShape, 'float32')
  runMatMul(backend, { ...plan, bias: Boolean(bias), activation: (attrs?.activation as EpilogueActivation | undefined) ?? 'linear' }, a, b, bias ?? null, out)
  return out
}

/**
 * act(op(a)·op(b) + bias) on WebGPU by the engine's kernel, forward only (callers give it a gradient):
 * `a`, `b` float32 of rank ≥ 2; `bias` [n] or absent.
 */
export function wgslMatMul(a: tf.Tensor, b: tf.Tensor, transposeA: boolean, transposeB: boolean, opts: { bias?: tf.Tensor | undefined; activation?: EpilogueActivation } = {}): tf.Tensor {
  const inputs: tf.NamedTensorMap = opts.bias ? { a, b, bias: opts.bias } : { a, b }
  return tf.engine().runKernel(WGSL_MATMUL, inputs, { transposeA, transposeB, activation: opts.activation ?? 'linear' }) as tf.Tensor
}
