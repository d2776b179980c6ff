import { readdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import type { BackendName, BackendReport } from '../../../contract'
import { BACKEND_NAMES } from '../../../contract'
import { GemmSelectionError, selectGemm } from './gemm'
import { installWasmZeroCopyKernels } from './wasm_zero_copy'
import { type GpuReport, registerWebgpuBackend, softwareAllowed } from './webgpu/device'
import { installWebgpuKernels, webgpuKernelNames } from './webgpu/install'

/**
 * Picks the fastest TensorFlow.js backend this machine can run, once, at engine start:
 * node-gpu → node → webgpu (when Dawn finds a GPU adapter) → wasm (local .wasm files) → cpu.
 * A forced backend (setting, `--backend` or `STDD_BACKEND`) is tried alone and fails loudly.
 *
 * Every model module imports `@tensorflow/tfjs` (the union package: it registers gradients and
 * chained ops). The native backends register their kernels into that same engine.
 */
export const BACKEND_ORDER: readonly BackendName[] = BACKEND_NAMES

type Attempt = () => Promise<string>

const requireHere = createRequire(import.meta.url)

async function tryNative(pkg: '@tensorflow/tfjs-node-gpu' | '@tensorflow/tfjs-node', name: BackendName): Promise<string> {
  try {
    await import(/* @vite-ignore */ pkg)
  } catch (err) {
    throw new Error(`${pkg}: ${firstLine(err)} (an optional dependency whose install downloads libtensorflow; it needs internet and CUDA 11.2 for -gpu)`, { cause: err })
  }
  if (!(await tf.setBackend('tensorflow'))) throw new Error(`${pkg} loaded but the "tensorflow" backend did not initialise`)
  return `${pkg} (libtensorflow${name === 'node-gpu' ? ', CUDA' : ''})`
}

/** On Linux a GPU shows up as /dev/dri/* or /dev/nvidia*; without one, Dawn would only find software rasterisers. */
function linuxHasGpuDevice(): boolean {
  const has = (dir: string, prefix: string): boolean => {
    try {
      return readdirSync(dir).some((n) => n.startsWith(prefix))
    } catch {
      return false
    }
  }
  return has('/dev/dri', 'renderD') || has('/dev', 'nvidia')
}

async function tryWebgpu(): Promise<string> {
  if (process.platform === 'linux' && !softwareAllowed() && !linuxHasGpuDevice()) {
    throw new Error('no GPU device on this machine (/dev/dri/renderD*, /dev/nvidia*); STDD_WEBGPU_ALLOW_SOFTWARE=1 allows a software adapter (lavapipe)')
  }
  gpuReport = await registerWebgpuBackend()
  if (!(await tf.setBackend('webgpu'))) throw new Error('the WebGPU backend did not initialise on the adapter Dawn found')
  tf.env().set('WEBGPU_CPU_FORWARD', false) // a step stays on the GPU: no small op is run on the CPU
  installWebgpuKernels()
  const g = gpuReport
  return `WebGPU through Dawn on ${[g.vendor, g.device || g.description].filter(Boolean).join(' ')}${g.software ? ' (software adapter, allowed by STDD_WEBGPU_ALLOW_SOFTWARE=1)' : ''}; features ${g.deviceFeatures.join(', ')}`
}

async function tryWasm(): Promise<string> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm')
  // Local .wasm files next to the package: never a CDN.
  wasm.setWasmPaths(dirname(requireHere.resolve('@tensorflow/tfjs-backend-wasm')) + '/')
  if (!(await tf.setBackend('wasm'))) throw new Error('the WASM backend did not initialise')
  installWasmZeroCopyKernels() // the stock Slice/Unpack/SplitV kernels copy their whole input per slice, Identity and Cast copy it
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')
  // tfjs disables WASM threads in Node by design (tfjs#3830): XNNPACK runs on one core.
  return `tfjs-backend-wasm (${simd ? 'SIMD' : 'no SIMD'}, 1 thread: tfjs turns WASM threads off in Node)`
}

async function tryCpu(): Promise<string> {
  if (!(await tf.setBackend('cpu'))) throw new Error('the CPU backend did not initialise')
  return 'tfjs-backend-cpu (pure JavaScript, slow: reference only)'
}

const ATTEMPTS: Record<BackendName, Attempt> = {
  'node-gpu': () => tryNative('@tensorflow/tfjs-node-gpu', 'node-gpu'),
  node: () => tryNative('@tensorflow/tfjs-node', 'node'),
  webgpu: tryWebgpu,
  wasm: tryWasm,
  cpu: tryCpu,
}

function firstLine(err: unknown): string {
  if ((err as { code?: string }).code === 'ERR_MODULE_NOT_FOUND') return 'not installed'
  return (err instanceof Error ? err.message : String(err)).split('\n')[0]!.slice(0, 300)
}

let chosen: BackendReport | null = null
let gpuReport: GpuReport | undefined

/**
 * Selects and initialises the backend. Call once per process; later calls return the first report.
 * `forced` comes from `--backend`, the app setting, or `STDD_BACKEND` (in that order of precedence).
 */
export async function selectBackend(forced?: BackendName, preferred?: BackendName | null): Promise<BackendReport> {
  if (chosen) return chosen
  // A preferred backend (the Settings' default) is tried first; the others follow if it cannot start.
  const order = forced ? [forced] : preferred ? [preferred, ...BACKEND_ORDER.filter((b) => b !== preferred)] : BACKEND_ORDER
  const skipped: BackendReport['skipped'] = []
  tf.env().set('PROD', true) // no debug-mode checks, no "running in Node" banners
  for (const name of order) {
    try {
      const detail = await ATTEMPTS[name]()
      await tf.ready()
      // Matrix products: the BLAS addon or the backend's own (gemm.ts); a forced provider that cannot start throws.
      const gemm = selectGemm(tf.getBackend())
      const kernels = name === 'webgpu' ? webgpuKernelNames() : { matMul: gemm.name, attention: gemm.name === 'blas' ? 'blas-fused' : 'tfjs-ops' }
      chosen = { name, forced: Boolean(forced), skipped, detail: `${detail}; matMul: ${gemm.name}${gemm.forced ? ' (forced)' : ''}, ${gemm.detail}`, kernels, ...(name === 'webgpu' && gpuReport ? { gpu: gpuReport } : {}) }
      return chosen
    } catch (err) {
      if (err instanceof GemmSelectionError) throw err
      skipped.push({ name, reason: firstLine(err) })
    }
  }
  const reasons = skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')
  throw new Error(forced ? `backend "${forced}" was asked for but cannot start: ${reasons}` : `no TensorFlow.js backend could start: ${reasons}`)
}

/** The report of the backend chosen in this process, or null before {@link selectBackend}. */
export function activeBackend(): BackendReport | null {
  return chosen
}

export function describeBackend(r: BackendReport): string {
  const skipped = r.skipped.map((s) => `  skipped ${s.name}: ${s.reason}`).join('\n')
  const kernels = Object.entries(r.kernels ?? {}).map(([op, k]) => `${op}=${k}`).join('; ')
  return `backend ${r.name}${r.forced ? ' (forced)' : ''}: ${r.detail}${kernels ? `\n  kernels: ${kernels}` : ''}${skipped ? '\n' + skipped : ''}`
}
