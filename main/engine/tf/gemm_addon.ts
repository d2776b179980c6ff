import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * The optional native GEMM addon (native/gemm/gemm.c, built by `native/gemm/build.mjs` at
 * `npm install` when a C compiler and libopenblas-dev are there): a synchronous `cblas_sgemm` on
 * Float32Array views, so it can work in place on the tfjs-wasm heap, and a fused multi-head
 * attention built on it (native/gemm/attention.c).
 */
export interface GemmAddon {
  /** For each of `batch` entries: c (m×n) = op(a) · op(b) (+ `bias` [n] on every row), row-major; op(a) is m×k, op(b) is k×n. */
  sgemm(transposeA: boolean, transposeB: boolean, batch: number, m: number, n: number, k: number, a: Float32Array, b: Float32Array, c: Float32Array, bias?: Float32Array): void
  /**
   * Multi-head attention of q [batch, lq, heads·dh] over k, v [batch, lk, heads·dh], heads as column
   * blocks, rows of q/k/v `ld` apart (heads·dh, or 3·heads·dh for q|k|v packed side by side): writes
   * probs [batch, heads, lq, lk] = softmax(scale · q_h · k_hᵀ) and out [batch, lq, heads·dh] = probs · v_h.
   */
  attentionForward(batch: number, heads: number, lq: number, lk: number, dh: number, scale: number, ld: number, q: Float32Array, k: Float32Array, v: Float32Array, probs: Float32Array, out: Float32Array): void
  /** The gradients dq, dk, dv (rows `ld` apart, like q, k, v) of {@link attentionForward}'s out, given its probs and dout. */
  attentionBackward(batch: number, heads: number, lq: number, lk: number, dh: number, scale: number, ld: number, q: Float32Array, k: Float32Array, v: Float32Array, probs: Float32Array, dout: Float32Array, dq: Float32Array, dk: Float32Array, dv: Float32Array): void
  /** c [m, n] = scale[r]·init[r mod rows] + a[r]·bᵀ row by row, for a [m, k], b [n, k], init [rows, n], scale [m]. */
  sgemmRowScaled(m: number, n: number, k: number, a: Float32Array, b: Float32Array, c: Float32Array, scale: Float32Array, init: Float32Array, rows: number): void
  /** The gradients of {@link sgemmRowScaled}'s row-scaled part: dinit [rows, n] and dscale [scales·rows] from dc [scales·rows, n]. */
  rowScaleBackward(scales: number, rows: number, n: number, scale: Float32Array, init: Float32Array, dc: Float32Array, dinit: Float32Array, dscale: Float32Array): void
  /** The threads the addon splits one product over (OpenBLAS itself always runs single-threaded). */
  setThreads(threads: number): void
  /** OpenBLAS's build configuration, the kernel (core type) it runs, and the addon's thread count. */
  describe(): { config: string; core: string; threads: number }
}

const ADDON_FILE = join('native', 'gemm', 'build', 'stdd_gemm.node')

/** `STDD_GEMM_ADDON`, else the first `native/gemm/build/stdd_gemm.node` in a folder above this module (source tree or bundle). */
export function findGemmAddon(): string | null {
  const override = process.env.STDD_GEMM_ADDON
  if (override) return existsSync(override) ? override : null
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const file = join(dir, ADDON_FILE)
    if (existsSync(file)) return file
    if (dirname(dir) === dir) return null
  }
}

/** Loads the addon, or throws an error that says how to get it. */
export function loadGemmAddon(): { addon: GemmAddon; file: string } {
  const file = findGemmAddon()
  if (!file) {
    throw new Error(`the native GEMM addon is not built (${process.env.STDD_GEMM_ADDON ? `STDD_GEMM_ADDON=${process.env.STDD_GEMM_ADDON} does not exist` : `no ${ADDON_FILE}`}); build it with \`apt-get install build-essential libopenblas-dev && node native/gemm/build.mjs\``)
  }
  // OpenBLAS must not start its own thread pool (see native/gemm/gemm.c: it deadlocks when another
  // thread forks); the addon splits products over its own threads, STDD_GEMM_THREADS of them, else
  // one per core. OpenBLAS reads its variable once, when it is loaded (child processes inherit it).
  const asked = Number(process.env.STDD_GEMM_THREADS)
  process.env.OPENBLAS_NUM_THREADS = '1'
  try {
    const addon = createRequire(import.meta.url)(file) as GemmAddon
    if (Number.isInteger(asked) && asked > 0) addon.setThreads(asked)
    return { addon, file }
  } catch (err) {
    throw new Error(`the native GEMM addon ${file} does not load: ${(err instanceof Error ? err.message : String(err)).split('\n')[0]} (rebuild it: node native/gemm/build.mjs)`, { cause: err })
  }
}
