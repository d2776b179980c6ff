import * as tf from '@tensorflow/tfjs'
import { clipEncoderLayer, type ClipEncoderLayerWeights, type ClipEncoderOptions } from '../engine/clip/modeling_clip'
import { clipModelWeights, clipWeightSpecs, encoderLayerSpecs } from '../engine/clip/weights_clip'
import { buildStddModel, disposeStddModel } from '../engine/stdd/adaptation'
import { AdamW } from '../engine/optim/adamw'
import { resolveStddConfig } from '../engine/stdd/config'
import { stddTrainStep } from '../engine/stdd/train_step'
import { activeBackend } from '../engine/tf/backend'
import { nestWeights } from '../engine/tf/tree'
import { countsSince, transferCounts, type TransferCounts } from '../engine/tf/webgpu/counters'
import { activeStorage } from '../engine/tf/webgpu/storage'
import { seededRng } from '../engine/util/random'
import { BLOCK_FORWARD_BACKWARD_BUDGET, BLOCK_FORWARD_BUDGET, overBudget, SMALL_STEP_BUDGET, SMALL_STEP_BUDGET_F16, type CountBudget } from './gpu_budget'
import { runTorchGpu, type TorchGpuFigures, type TorchTimes } from './gpu_torch'
import { FRAMES, median, QUICK, randomLayer, VIT_B16, visionConfig, type Shape } from './stdd'
import type { BenchRow, BenchSuite } from './types'

/**
 * The GPU path on WebGPU: what crosses between CPU and GPU (compute dispatches, uploads, reads) per
 * CLIP block forward, forward+backward and per full STDD training step, and their times, with a
 * matmul n³; beside PyTorch CUDA fp32 in the same run where it is installed. On a software adapter
 * (lavapipe) or with --quick the shapes shrink (tiny ViT, 512³): the counts hold, the times are the CPU's.
 */

interface Measured {
  ms: number
  counts: TransferCounts
}

/**
 * Times `f` (a tidy of GPU work) `reps` times after one warm-up, counting what its recording
 * dispatches, uploads and reads; each run ends by reading one value of its first output (not
 * counted), which waits for the GPU.
 */
async function measure(f: () => tf.Tensor[], reps: number): Promise<Measured> {
  const times: number[] = []
  let counts: TransferCounts | null = null
  for (let r = 0; r <= reps; r++) {
    const t0 = performance.now()
    const before = transferCounts()
    const out = tf.tidy(f)
    const c = countsSince(before)
    try {
      await out[0]!.flatten().slice(0, 1).data()
    } finally {
      tf.dispose(out)
    }
    if (r > 0) times.push(performance.now() - t0)
    counts = c
  }
  return { ms: median(times), counts: counts! }
}

function countFigures(c: TransferCounts): Record<string, number> {
  return { dispatches: c.dispatches, uploads: c.uploads, upload_kb: c.uploadBytes / 1024, reads: c.reads, submits: c.submits, cpu_outputs: c.cpuOutputs, weight_read_mb: c.weightBytes / 2 ** 20 }
}

/** Beside PyTorch on the same shapes: strict fp32, and at its best (bf16 autocast, TF32, SDPA, compile). */
function vsTorch(ms: number, torch: TorchGpuFigures | null, which: keyof TorchTimes): Record<string, number> {
  if (!torch) return {}
  const best = torch.best?.[which]
  return { torch_fp32_ms: torch[which], ratio_vs_torch_fp32: ms / torch[which], ...(best ? { torch_best_ms: best, ratio_vs_torch_best: ms / best } : {}) }
}

async function matmulRow(n: number, torch: TorchGpuFigures | null, reps: number): Promise<BenchRow> {
  const [a, b] = [tf.randomNormal([n, n], 0, 1, 'float32', 1), tf.randomNormal([n, n], 0, 1, 'float32', 2)]
  try {
    const m = await measure(() => [tf.matMul(a, b)], reps)
    return { name: `matmul ${n}³ fp32${activeStorage() === 'f16' ? ' (f16 tiles; operands are not weights: no packed copy)' : ''}`, ms: m.ms, extra: { tflops: (2 * n ** 3) / (m.ms * 1e9), ...countFigures(m.counts), ...vsTorch(m.ms, torch, 'matmulMs') } }
  } finally {
    tf.dispose([a, b])
  }
}

async function blockRows(s: Shape, torch: TorchGpuFigures | null, reps: number): Promise<BenchRow[]> {
  const opts: ClipEncoderOptions = { numHeads: s.heads, layerNormEps: 1e-5, hiddenAct: 'quick_gelu' }
  const call = { numHeads: s.heads, probs: 'none' as const, layerIndex: 0 }
  const { tree, tensors } = randomLayer(s, 1)
  const x = tf.randomNormal([FRAMES, 1 + s.grid * s.grid, s.width], 0, 1, 'float32', 7) as tf.Tensor3D
  const specs = encoderLayerSpecs('', s.width, s.intermediate)
  const what = `${s.label} CLIP block, ${FRAMES} frames × ${1 + s.grid * s.grid} tokens`
  try {
    const fwd = await measure(() => [clipEncoderLayer(x, tree, opts, call).hidden], reps)
    const bwd = await measure(
      () =>
        tf.grads((input: tf.Tensor, ...ws: tf.Tensor[]) => {
          const w = nestWeights<ClipEncoderLayerWeights>(new Map(specs.map((sp, i) => [sp.name, ws[i]!])))
          return tf.sum(clipEncoderLayer(input as tf.Tensor3D, w, opts, call).hidden)
        })([x, ...tensors]),
      reps,
    )
    return [
      { name: `${what}: forward`, ms: fwd.ms, extra: { ...countFigures(fwd.counts), ...vsTorch(fwd.ms, torch, 'blockForwardMs') } },
      { name: `${what}: forward+backward`, ms: bwd.ms, extra: { ...countFigures(bwd.counts), ...vsTorch(bwd.ms, torch, 'blockForwardBackwardMs') } },
    ]
  } finally {
    tf.dispose([...tensors, x])
  }
}

async function stepRow(s: Shape, torch: TorchGpuFigures | null, log: (l: string) => void): Promise<BenchRow> {
  const config = visionConfig(s)
  const placed = new Map<string, tf.Tensor>()
  clipWeightSpecs(config, ['vision']).forEach((sp, i) => {
    placed.set(sp.name, sp.name === 'logit_scale' ? tf.scalar(Math.log(100)) : /(layer_norm\d|layrnorm|layernorm)\.weight$/.test(sp.name) ? tf.ones(sp.shape) : tf.randomNormal(sp.shape, 0, 0.02, 'float32', 100 + i))
  })
  const model = buildStddModel(clipModelWeights(placed), config, resolveStddConfig({}))
  tf.dispose([...placed.values()])
  const size = s.grid * 16
  const clips = tf.randomNormal([1, FRAMES, 3, size, size], 0, 1, 'float32', 3) as tf.Tensor5D
  const prompts = tf.randomNormal([16, 8, config.projectionDim], 0, 1, 'float32', 4) as tf.Tensor3D
  const opt = new AdamW({ lr: 3.33e-6, weightDecay: 0.01, clipNorm: 1 })
  try {
    let last: { ms: number; counts: TransferCounts } | null = null
    for (let r = 0; r < 3; r++) {
      const before = transferCounts()
      const t0 = performance.now()
      const res = await stddTrainStep(model, [{ clips, labels: [3], prompts }], opt, { rng: seededRng(5 + r), recompute: true })
      last = { ms: performance.now() - t0, counts: countsSince(before) }
      log(`  step ${r + 1}: ${last.ms.toFixed(0)} ms, loss ${res?.total.toFixed(4)}, ${JSON.stringify(last.counts)}`)
    }
    return {
      name: `${s.label} STDD training step, 1 clip × ${FRAMES} frames (third step; reads = the logged values; PyTorch beside: a proxy, teacher forward + student forward+backward + AdamW of the same ViT)`,
      ms: last!.ms,
      extra: { ...countFigures(last!.counts), ...vsTorch(last!.ms, torch, 'stepProxyMs') },
    }
  } finally {
    tf.dispose([clips, prompts])
    opt.dispose()
    disposeStddModel(model)
  }
}

export const gpuBench: BenchSuite = {
  name: 'gpu',
  description: 'WebGPU: dispatches/uploads/reads per block and per step; matmul n³, CLIP block fwd and fwd+bwd, full STDD step; PyTorch CUDA beside where installed',
  async run(ctx) {
    if (tf.getBackend() !== 'webgpu') {
      ctx.log('  the gpu suite runs on --backend webgpu only (without a GPU: eval "$(bash tools/gpu/lavapipe.sh)" first)')
      return []
    }
    const software = activeBackend()?.gpu?.software ?? false
    const small = ctx.quick || software
    const shape = small ? QUICK : VIT_B16
    const n = small ? 512 : 4096
    if (small) ctx.log(`  ${software ? 'software adapter' : '--quick'}: ${shape.label} and matmul ${n}³ (the counts are those of any adapter; the times are not a GPU's)`)
    const torchRun = runTorchGpu({ n, frames: FRAMES, tokens: 1 + shape.grid ** 2, width: shape.width, heads: shape.heads, intermediate: shape.intermediate, layers: shape.layers })
    const torch = torchRun.ok ? torchRun.figures : null
    ctx.log(torchRun.ok ? `  PyTorch ${torchRun.figures.torch} CUDA on ${torchRun.figures.device}: ${JSON.stringify(torchRun.figures)}` : `  no PyTorch CUDA baseline: ${torchRun.reason}`)
    const reps = small ? 2 : 10
    const matmul = await matmulRow(n, torch, reps)
    const [block, blockBackward] = await blockRows(shape, torch, reps)
    const step = await stepRow(shape, torch, ctx.log)
    const rows = [matmul, block!, blockBackward!, step]
    // the regression guard (gpu_budget.ts): counts are deterministic, so any excess is a regression
    const counted = (r: BenchRow): CountBudget => ({ dispatches: Number(r.extra?.dispatches), uploads: Number(r.extra?.uploads), reads: Number(r.extra?.reads), cpuOutputs: Number(r.extra?.cpu_outputs) })
    const over = [
      ...overBudget('block forward', counted(block!), BLOCK_FORWARD_BUDGET),
      ...overBudget('block forward+backward', counted(blockBackward!), BLOCK_FORWARD_BACKWARD_BUDGET),
      ...(shape === QUICK ? overBudget('STDD step', counted(step), activeStorage() === 'f16' ? SMALL_STEP_BUDGET_F16 : SMALL_STEP_BUDGET) : []),
    ]
    for (const line of over) ctx.fail(`${line} (a regression of the GPU path: main/bench/gpu_budget.ts)`)
    if (!over.length) ctx.log(`  counts within the budgets of gpu_budget.ts${shape === QUICK ? '' : ' (the step budget is for the small model only)'}`)
    return rows
  },
}
