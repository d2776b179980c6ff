import * as tf from '@tensorflow/tfjs'
import { clipEncoderLayer, type ClipEncoderLayerWeights, type ClipEncoderOptions } from '../engine/clip/modeling_clip'
import { parseClipConfig, type ClipConfig } from '../engine/clip/configuration_clip'
import { clipModelWeights, clipWeightSpecs, encoderLayerSpecs } from '../engine/clip/weights_clip'
import { nestWeights } from '../engine/tf/tree'
import { buildStddModel, disposeStddModel, trainableVariables } from '../engine/stdd/adaptation'
import { AdamW } from '../engine/optim/adamw'
import { resolveStddConfig } from '../engine/stdd/config'
import { planMasks } from '../engine/stdd/masking'
import { seededRng } from '../engine/util/random'
import { stcaLayer } from '../engine/stdd/stca_block'
import { stddTrainStep } from '../engine/stdd/train_step'
import { load1 } from './machine'
import { benchGemmProviders, withGemm } from './providers'
import type { BenchRow, BenchSuite } from './types'

/**
 * STDD model benchmarks on the active backend:
 * - one STCA block against the plain CLIP block it is built from, same weights and input, same
 *   run: forward (eval masks) and forward + backward (training masks), with the time ratio
 *   (target on WASM: STCA ≤ 1.35× plain), on each matMul provider the backend has (BLAS, WASM);
 * - one full STDD training step of a ViT-B/16 (random weights) on one 8-frame clip: teacher
 *   forward, student forward with STCA in all 12 blocks, backward (per-block recomputation), AdamW.
 * Quick mode shrinks the shapes (width 192, 3 heads, grid 8, 4 layers) and repeats once.
 */

export interface Shape {
  label: string
  width: number
  heads: number
  grid: number
  layers: number
  intermediate: number
}

export const VIT_B16: Shape = { label: 'ViT-B/16', width: 768, heads: 12, grid: 14, layers: 12, intermediate: 3072 }
export const QUICK: Shape = { label: 'tiny ViT (quick)', width: 192, heads: 3, grid: 8, layers: 4, intermediate: 768 }
export const FRAMES = 8

export function randomLayer(s: Shape, seed: number): { tree: ClipEncoderLayerWeights; tensors: tf.Tensor[] } {
  const specs = encoderLayerSpecs('', s.width, s.intermediate)
  const tensors = specs.map((sp, i) => (/layer_norm\d\.weight$/.test(sp.name) ? tf.ones(sp.shape) : tf.randomNormal(sp.shape, 0, 0.02, 'float32', seed + i)))
  return { tree: nestWeights<ClipEncoderLayerWeights>(new Map(specs.map((sp, i) => [sp.name, tensors[i]!]))), tensors }
}

interface Timing {
  median: number
  best: number
  /** Median process CPU time (user + system, all threads: the BLAS products use every core), ms: less disturbed than wall time by other work on the machine. */
  cpuMedian: number
}

export function median(xs: number[]): number {
  const s = [...xs].sort((x, y) => x - y)
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2
}

/**
 * Times `a` and `b` alternately `reps` times each (so background load hits both alike). Each timed
 * run follows an untimed run of the same kind: a tower runs one kind of block over and over, and
 * right after the other kind the WASM heap is laid out for that one (measured: the STCA block ran
 * 1.37–1.5× the plain one straight after it, 1.2× after itself, once the clip suite had run).
 */
async function timePair(a: () => Promise<void>, b: () => Promise<void>, reps: number): Promise<[Timing, Timing]> {
  const wall: [number[], number[]] = [[], []]
  const cpu: [number[], number[]] = [[], []]
  const once = async (f: () => Promise<void>, i: 0 | 1): Promise<void> => {
    await f()
    const t0 = performance.now()
    const c0 = process.cpuUsage()
    await f()
    const c = process.cpuUsage(c0)
    wall[i].push(performance.now() - t0)
    cpu[i].push((c.user + c.system) / 1000)
  }
  for (let r = 0; r < reps; r++) {
    await once(a, 0)
    await once(b, 1)
  }
  const stat = (i: 0 | 1): Timing => ({ median: median(wall[i]), best: Math.min(...wall[i]), cpuMedian: median(cpu[i]) })
  return [stat(0), stat(1)]
}

/** Runs `f` in a tidy and waits for its results' data (so asynchronous backends finish), then disposes them. */
async function settle(f: () => tf.Tensor | tf.Tensor[]): Promise<void> {
  const out = tf.tidy(f)
  const all = Array.isArray(out) ? out : [out]
  try {
    await Promise.all(all.map((t) => t.data()))
  } finally {
    tf.dispose(all)
  }
}

/** `gemm` names the matMul provider in the rows (the suite times the block on each one the backend has). */
async function blockRows(s: Shape, quick: boolean, log: (l: string) => void, gemm: string): Promise<BenchRow[]> {
  const stdd = resolveStddConfig({})
  const opts: ClipEncoderOptions = { numHeads: s.heads, layerNormEps: 1e-5, hiddenAct: 'quick_gelu' }
  const call = { numHeads: s.heads, probs: 'none' as const, layerIndex: 0 }
  const geometry = { grid: s.grid, window: stdd.stca.masking.window, frames: FRAMES }
  const evalPlan = planMasks({ batch: 1, geometry, masking: stdd.stca.masking, training: false, rng: seededRng(0) })
  const trainPlan = planMasks({ batch: 1, geometry, masking: stdd.stca.masking, training: true, rng: seededRng(1) })
  const { tree, tensors } = randomLayer(s, 1)
  const x = tf.randomNormal([FRAMES, 1 + s.grid * s.grid, s.width], 0, 1, 'float32', 7) as tf.Tensor3D
  const reps = quick ? 1 : 5
  const rows: BenchRow[] = []
  const figures = (t: Timing, base?: Timing): Record<string, number> =>
    base ? { best_ms: t.best, cpu_ms: t.cpuMedian, ratio_vs_plain: t.median / base.median, ratio_best: t.best / base.best, ratio_cpu: t.cpuMedian / base.cpuMedian, load: load1() } : { best_ms: t.best, cpu_ms: t.cpuMedian, load: load1() }
  try {
    const plainFwd = () => settle(() => clipEncoderLayer(x, tree, opts, call).hidden)
    const stcaFwd = () => settle(() => stcaLayer(x, tree, opts, call, { plan: evalPlan, stca: stdd.stca }).hidden)
    const grads = (f: (w: ClipEncoderLayerWeights, input: tf.Tensor3D) => tf.Tensor) => () =>
      settle(() =>
        tf.grads((input: tf.Tensor, ...ws: tf.Tensor[]) => {
          const specs = encoderLayerSpecs('', s.width, s.intermediate)
          const w = nestWeights<ClipEncoderLayerWeights>(new Map(specs.map((sp, i) => [sp.name, ws[i]!])))
          return tf.sum(f(w, input as tf.Tensor3D))
        })([x, ...tensors]),
      )
    const plainBwd = grads((w, input) => clipEncoderLayer(input, w, opts, call).hidden)
    const stcaBwd = grads((w, input) => stcaLayer(input, w, opts, call, { plan: trainPlan, stca: stdd.stca }).hidden)
    await plainFwd() // warm-up (kernel setup, first allocations)
    await stcaFwd()
    const [pf, sf] = await timePair(plainFwd, stcaFwd, reps)
    const ratios = (p: Timing, q: Timing): string => `median ${(q.median / p.median).toFixed(3)}×, best ${(q.best / p.best).toFixed(3)}×, CPU time ${(q.cpuMedian / p.cpuMedian).toFixed(3)}×; target ≤ 1.35×`
    log(`  [${gemm} matMul] block forward: plain ${pf.median.toFixed(0)} ms, STCA ${sf.median.toFixed(0)} ms (${ratios(pf, sf)})`)
    await plainBwd()
    await stcaBwd()
    const [pb, sb] = await timePair(plainBwd, stcaBwd, reps)
    log(`  [${gemm} matMul] block forward+backward: plain ${pb.median.toFixed(0)} ms, STCA ${sb.median.toFixed(0)} ms (${ratios(pb, sb)})`)
    const what = `[${gemm} matMul] ${s.label} block, ${FRAMES} frames × ${1 + s.grid * s.grid} tokens`
    rows.push(
      { name: `${what}: plain CLIP forward`, ms: pf.median, extra: figures(pf) },
      { name: `${what}: STCA forward (scales [1,2], 50 % dropped)`, ms: sf.median, extra: { ...figures(sf, pf), target: 1.35 } },
      { name: `${what}: plain CLIP forward+backward`, ms: pb.median, extra: figures(pb) },
      { name: `${what}: STCA forward+backward`, ms: sb.median, extra: { ...figures(sb, pb), target: 1.35 } },
    )
  } finally {
    tf.dispose([...tensors, x])
  }
  return rows
}

export function visionConfig(s: Shape): ClipConfig {
  return parseClipConfig({
    projection_dim: s === VIT_B16 ? 512 : 64,
    vision_config: { hidden_size: s.width, intermediate_size: s.intermediate, num_hidden_layers: s.layers, num_attention_heads: s.heads, image_size: s.grid * 16, patch_size: 16 },
  })
}

async function trainStepRow(s: Shape, log: (l: string) => void): Promise<BenchRow> {
  const config = visionConfig(s)
  const placed = new Map<string, tf.Tensor>()
  clipWeightSpecs(config, ['vision']).forEach((sp, i) => {
    placed.set(sp.name, sp.name === 'logit_scale' ? tf.scalar(Math.log(100)) : /(layer_norm\d|layrnorm|layernorm)\.weight$/.test(sp.name) ? tf.ones(sp.shape) : tf.randomNormal(sp.shape, 0, 0.02, 'float32', 100 + i))
  })
  const model = buildStddModel(clipModelWeights(placed), config, resolveStddConfig({}))
  tf.dispose([...placed.values()]) // the model holds its own variables and teacher copy
  const size = s.grid * 16
  const clips = tf.randomNormal([1, FRAMES, 3, size, size], 0, 1, 'float32', 3) as tf.Tensor5D
  const classes = 16
  const prompts = tf.randomNormal([classes, 8, config.projectionDim], 0, 1, 'float32', 4) as tf.Tensor3D
  const opt = new AdamW({ lr: 3.33e-6, weightDecay: 0.01, clipNorm: 1 })
  const params = trainableVariables(model).reduce((n, v) => n + v.size, 0)
  try {
    const step = async () => {
      const r = await stddTrainStep(model, [{ clips, labels: [3], prompts }], opt, { rng: seededRng(5), recompute: true })
      if (!r) throw new Error('bench: the training step saw no clip')
      return r
    }
    const timed = async (): Promise<{ ms: number; cpuMs: number; load: number; r: Awaited<ReturnType<typeof step>> }> => {
      const t0 = performance.now()
      const c0 = process.cpuUsage()
      const r = await step()
      const c = process.cpuUsage(c0)
      return { ms: performance.now() - t0, cpuMs: (c.user + c.system) / 1000, load: load1(), r }
    }
    const first = await timed()
    // A fast backend (GPU) compiles its kernels in the first step: time a second, warm one too.
    const warm = first.ms < 20_000 ? await timed() : null
    const { ms, cpuMs, load, r } = warm ?? first
    log(`  training step: ${ms.toFixed(0)} ms (CPU ${cpuMs.toFixed(0)} ms, load ${load})${warm ? ` warm (first ${first.ms.toFixed(0)} ms)` : ''} (loss ${r.total.toFixed(4)} = CE ${r.ce.toFixed(4)} + 2·FD ${r.fd?.toFixed(4)}, gradient norm ${r.gradNorm.toFixed(3)}), ${(params / 1e6).toFixed(1)} M trainable parameters`)
    return {
      name: `${s.label} STDD training step, 1 clip × ${FRAMES} frames (teacher fwd, STCA fwd, bwd with recompute, AdamW), ${warm ? 'second step' : 'first step'}`,
      ms,
      extra: { params_M: params / 1e6, loss: r.total, cpu_ms: cpuMs, load, ...(warm ? { first_step_ms: first.ms } : {}) },
    }
  } finally {
    tf.dispose([clips, prompts])
    opt.dispose()
    disposeStddModel(model)
  }
}

export const stddBench: BenchSuite = {
  name: 'stdd',
  description: 'STCA block vs plain CLIP block (on each matMul provider of the backend), and one ViT-B/16 STDD training step',
  async run(ctx) {
    const shape = ctx.quick ? QUICK : VIT_B16
    const rows: BenchRow[] = []
    for (const gemm of benchGemmProviders()) rows.push(...(await withGemm(gemm, () => blockRows(shape, ctx.quick, ctx.log, gemm))))
    rows.push(await trainStepRow(shape, ctx.log))
    return rows
  },
}
