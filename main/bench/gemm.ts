import * as tf from '@tensorflow/tfjs'
import { matMulFast } from '../engine/tf/matmul'
import { load1, peakGflops } from './machine'
import { benchGemmProviders, withGemm } from './providers'
import type { BenchRow, BenchSuite } from './types'

/**
 * The matrix products of a ViT-B/16 block at 8 frames (1576 tokens), through `matMulFast` on each
 * provider the WASM backend has (gemm.ts): the fc1 linear forward (x·Wᵀ), its input gradient
 * (dy·W) and weight gradient (dyᵀ·x), and the attention's batched scores (96 heads, q·kᵀ).
 * GFLOP/s, share of the machine's peak, and process CPU time (BLAS uses every core, WASM one).
 */

interface Case {
  name: string
  a: number[]
  b: number[]
  ta: boolean
  tb: boolean
  flops: number
}

const T = 8 * 197
const CASES: Case[] = [
  { name: 'fc1 forward x·Wᵀ [1576×768]·[3072×768]ᵀ', a: [T, 768], b: [3072, 768], ta: false, tb: true, flops: 2 * T * 768 * 3072 },
  { name: 'fc1 input gradient dy·W [1576×3072]·[3072×768]', a: [T, 3072], b: [3072, 768], ta: false, tb: false, flops: 2 * T * 768 * 3072 },
  { name: 'fc1 weight gradient dyᵀ·x [1576×3072]ᵀ·[1576×768]', a: [T, 3072], b: [T, 768], ta: true, tb: false, flops: 2 * T * 768 * 3072 },
  { name: 'attention scores q·kᵀ, 96 × [197×64]·[197×64]ᵀ', a: [96, 197, 64], b: [96, 197, 64], ta: false, tb: true, flops: 2 * 96 * 197 * 197 * 64 },
]

async function timeCase(c: Case, reps: number): Promise<{ ms: number; cpuMs: number }> {
  const a = tf.randomNormal(c.a as [number, number], 0, 1, 'float32', 1) as tf.Tensor2D
  const b = tf.randomNormal(c.b as [number, number], 0, 1, 'float32', 2) as tf.Tensor2D
  try {
    const once = async (): Promise<{ ms: number; cpuMs: number }> => {
      const t0 = performance.now()
      const c0 = process.cpuUsage()
      const y = matMulFast(a, b, c.ta, c.tb)
      await y.data()
      y.dispose()
      const used = process.cpuUsage(c0)
      return { ms: performance.now() - t0, cpuMs: (used.user + used.system) / 1000 }
    }
    await once() // warm-up
    let best = await once()
    for (let r = 1; r < reps; r++) {
      const t = await once()
      if (t.ms < best.ms) best = t
    }
    return best
  } finally {
    tf.dispose([a, b])
  }
}

export const gemmBench: BenchSuite = {
  name: 'gemm',
  description: 'the ViT-B/16 block matrix products (linear forward and both gradients, batched attention) on each matMul provider of the active backend',
  async run({ quick, log }) {
    const peak = peakGflops().gflops
    const reps = quick ? 2 : 5
    const providers = benchGemmProviders()
    if (tf.getBackend() === 'wasm' && providers.length === 1) log('gemm: the BLAS addon is not built: only the WASM products are measured')
    const rows: BenchRow[] = []
    for (const p of providers) {
      await withGemm(p, async () => {
        for (const c of CASES) {
          const t = await timeCase(c, reps)
          const gflops = c.flops / 1e9 / (t.ms / 1e3)
          // GFLOP per second of process CPU time: what the kernels do with the CPU they get, on a busy machine.
          const perCpu = c.flops / 1e9 / (t.cpuMs / 1e3)
          rows.push({ name: `${p}: ${c.name}`, ms: t.ms, extra: { GFLOPs: gflops, peak_share: gflops / peak, cpu_ms: t.cpuMs, GFLOP_per_cpu_s: perCpu, load: load1() } })
          log(`gemm ${p}: ${c.name}: ${t.ms.toFixed(1)} ms, ${gflops.toFixed(1)} GFLOP/s (CPU ${t.cpuMs.toFixed(0)} ms: ${perCpu.toFixed(1)} GFLOP per CPU-second)`)
        }
      })
    }
    return rows
  },
}
