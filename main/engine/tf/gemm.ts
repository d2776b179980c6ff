import * as tf from '@tensorflow/tfjs'
import { loadGemmAddon, type GemmAddon } from './gemm_addon'
import type { WasmBackend, WasmTensorInfo } from './wasm_heap'
import { engineKernelsWanted } from './webgpu/install'

/**
 * Which code runs the matrix products of the WASM backend (linears forward and backward, attention):
 * - `blas`: the native addon (`gemm_addon.ts`) calls the system OpenBLAS's `cblas_sgemm`
 *   synchronously, reading the operands from and writing the product into the WASM heap (no copy),
 *   transposed operands and batches included, on all cores, with AVX-512/AVX2 kernels;
 * - `wasm`: tfjs-backend-wasm's own products (XNNPACK for plain 2-D products, single-threaded
 *   128-bit SIMD; see matmul.ts for the forms it needs).
 * Default: `blas` when the addon loads, else `wasm` with the reason logged. `STDD_GEMM=blas|wasm`
 * forces one; a forced `blas` that cannot load fails loudly.
 */
export const GEMM_NAMES = ['blas', 'wasm'] as const
export type GemmName = (typeof GEMM_NAMES)[number]

/** What runs matMul: a WASM provider, the engine's WGSL kernels on WebGPU, or another backend's own. */
export type GemmKernel = GemmName | 'wgsl' | 'tfjs'

export interface GemmReport {
  name: GemmKernel
  forced: boolean
  /** What runs the products, or why BLAS was not used. */
  detail: string
}

const KERNEL = 'StddBlasMatMul'

/** A forced provider (`STDD_GEMM`) that cannot run: backend selection stops on it instead of trying the next backend. */
export class GemmSelectionError extends Error {}


let addon: GemmAddon | null = null
let active: GemmName = 'wasm'
let report: GemmReport | null = null

export function parseGemmName(value: string, source: string): GemmName {
  if ((GEMM_NAMES as readonly string[]).includes(value)) return value as GemmName
  throw new Error(`${source}: unknown matrix-product provider "${value}"; choose one of ${GEMM_NAMES.join(', ')}`)
}

function registerKernel(a: GemmAddon): void {
  if (tf.getKernel(KERNEL, 'wasm')) return
  tf.registerKernel({
    kernelName: KERNEL,
    backendName: 'wasm',
    kernelFunc: ({ inputs, attrs, backend }) => {
      const wasm = backend as unknown as WasmBackend
      const x = inputs.a as unknown as WasmTensorInfo
      const y = inputs.b as unknown as WasmTensorInfo
      const ta = attrs!.transposeA as boolean
      const tb = attrs!.transposeB as boolean
      const bias = inputs.bias as unknown as WasmTensorInfo | undefined
      const [m, n, k, batch] = productShape(x.shape, y.shape, ta, tb)
      const out = wasm.makeOutput(x.shape.length === 3 ? [batch, m, n] : [m, n], 'float32')
      // makeOutput may grow the heap, which detaches older views: take them afterwards.
      const view = (t: WasmTensorInfo): Float32Array => wasm.typedArrayFromHeap(t) as Float32Array
      if (bias) a.sgemm(ta, tb, batch, m, n, k, view(x), view(y), view(out), view(bias))
      else a.sgemm(ta, tb, batch, m, n, k, view(x), view(y), view(out))
      return out
    },
  })
}

/** [m, n, k, batch] of `op(a) · op(b)`, or an error naming both shapes. */
function productShape(as: number[], bs: number[], ta: boolean, tb: boolean): [number, number, number, number] {
  const r = as.length
  const batch = r === 3 ? as[0]! : 1
  const [ar, ac] = [as[r - 2]!, as[r - 1]!]
  const [br, bc] = [bs[r - 2]!, bs[r - 1]!]
  const [m, k] = ta ? [ac, ar] : [ar, ac]
  const [k2, n] = tb ? [bc, br] : [br, bc]
  if (bs.length !== r || (r !== 2 && r !== 3) || k !== k2 || (r === 3 && bs[0] !== batch)) {
    throw new Error(`matMul: shapes [${as}] and [${bs}] (transposeA=${ta}, transposeB=${tb}) do not multiply: need 2-D or equal-batch 3-D operands with matching inner sizes`)
  }
  return [m, n, k, batch]
}

function blasDetail(a: GemmAddon, file: string): string {
  const d = a.describe()
  return `OpenBLAS sgemm through the native addon (${d.config.trim()}; kernel ${d.core}; ${d.threads} thread${d.threads === 1 ? '' : 's'}; ${file})`
}

/**
 * Chooses the provider for `backend` (the tfjs backend name), once per process; `STDD_GEMM` or
 * `forced` overrides the default. Only the WASM backend has a choice: the others run `tf.matMul`.
 */
export function selectGemm(backend: string, forced: GemmName | undefined = envGemm()): GemmReport {
  if (report) return report
  if (backend !== 'wasm') {
    if (forced === 'blas') throw new GemmSelectionError(`STDD_GEMM=blas works with the wasm backend only, not "${backend}"; unset STDD_GEMM or pick --backend wasm`)
    report = backend === 'webgpu' && engineKernelsWanted()
      ? { name: 'wgsl', forced: false, detail: 'the engine\'s WGSL matMul (main/engine/tf/webgpu/matmul.ts): large tiles, vec4 loads, bias/activation epilogue' }
      : { name: 'tfjs', forced: false, detail: `the ${backend} backend's own matMul` }
    return report
  }
  if (forced === 'wasm') {
    report = { name: 'wasm', forced: true, detail: 'tfjs-backend-wasm matMul (XNNPACK, 1 thread): forced by STDD_GEMM=wasm' }
  } else {
    try {
      const loaded = loadGemmAddon()
      addon = loaded.addon
      registerKernel(addon)
      report = { name: 'blas', forced: forced === 'blas', detail: blasDetail(addon, loaded.file) }
    } catch (err) {
      if (forced === 'blas') throw new GemmSelectionError(`STDD_GEMM=blas: ${(err as Error).message}`, { cause: err })
      report = { name: 'wasm', forced: false, detail: `tfjs-backend-wasm matMul (XNNPACK, 1 thread); BLAS not used: ${(err as Error).message}` }
    }
  }
  active = report.name === 'blas' ? 'blas' : 'wasm'
  return report
}

function envGemm(): GemmName | undefined {
  const v = process.env.STDD_GEMM
  if (!v) return undefined
  try {
    return parseGemmName(v, 'STDD_GEMM')
  } catch (err) {
    throw new GemmSelectionError((err as Error).message)
  }
}

/** The report of {@link selectGemm}, or null before it. */
export function activeGemm(): GemmReport | null {
  return report
}

/** The loaded addon while BLAS runs the products (for the kernels built on it: blas_attention.ts), else null. */
export function activeGemmAddon(): GemmAddon | null {
  return usesBlasGemm() ? addon : null
}

/** Whether matrix products on the active backend go to BLAS. */
export function usesBlasGemm(): boolean {
  return active === 'blas' && tf.getBackend() === 'wasm'
}

/**
 * Switches the provider at run time (tests and benches compare both in one process). `blas`
 * needs the addon: it loads it, or throws why not.
 */
export function setGemm(name: GemmName): void {
  if (name === 'blas' && !addon) {
    addon = loadGemmAddon().addon
    registerKernel(addon)
  }
  active = name
}

/**
 * `op(a) · op(b)` (+ `bias` [n] on every row) by BLAS on the WASM heap; float32, 2-D or
 * equal-batch 3-D. No gradient of its own: matmul.ts and linear.ts call it inside custom gradients.
 */
export function blasMatMul<R extends tf.Rank.R2 | tf.Rank.R3>(a: tf.Tensor<R>, b: tf.Tensor<R>, transposeA: boolean, transposeB: boolean, bias?: tf.Tensor1D): tf.Tensor<R> {
  const [, n] = productShape(a.shape, b.shape, transposeA, transposeB)
  const dtypes = [a, b, ...(bias ? [bias] : [])].map((t) => t.dtype)
  if (dtypes.some((d) => d !== 'float32')) throw new Error(`matMul (BLAS): operands must be float32, got ${dtypes.join(', ')}`)
  if (bias && (bias.rank !== 1 || bias.shape[0] !== n)) throw new Error(`matMul (BLAS): bias [${bias.shape}] must be [${n}] (one value per output column)`)
  return tf.engine().runKernel(KERNEL, bias ? { a, b, bias } : { a, b }, { transposeA, transposeB }) as tf.Tensor<R>
}
