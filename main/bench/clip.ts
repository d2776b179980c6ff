import { loadavg } from 'node:os'
import * as tf from '@tensorflow/tfjs'
import { parseClipConfig, type ClipVisionConfig } from '../engine/clip/configuration_clip'
import { clipVisionTransformer } from '../engine/clip/modeling_clip_vision'
import { clipModelWeights, clipWeightSpecs, type ClipVisionWeights } from '../engine/clip/weights_clip'
import { linear, type LinearWeights } from '../engine/tf/linear'
import { flattenWeights, type WeightTree } from '../engine/tf/tree'
import { runTorchVisionBench, type TorchFigures } from './clip_torch'
import type { BenchRow, BenchSuite } from './types'

/**
 * CLIP vision tower benchmarks on the active backend, ViT-B/16 shapes with random weights, one
 * 8-frame clip (8 images of 224 px): a forward pass, and forward + backward with per-block
 * activation recomputation (the training path). Then the same model in PyTorch on the same machine,
 * in the same run, when `import torch` works, with the time ratio.
 *
 * GFLOP/s counts the matmul work: forward F (linears, attention products, patch embedding,
 * projection); forward + backward 3F, the recomputation's extra forward not counted (so the figure
 * compares with a framework that keeps activations). Quick mode: 2 layers and 2 frames.
 */

const FRAMES = 8

interface Shape {
  label: string
  frames: number
  vision: ClipVisionConfig
  projection: number
}

function shape(quick: boolean): Shape {
  const c = parseClipConfig({ projection_dim: 512, vision_config: { patch_size: 16, num_hidden_layers: quick ? 2 : 12 } })
  return { label: quick ? 'ViT-B/16 (2 of 12 layers, quick)' : 'ViT-B/16', frames: quick ? 2 : FRAMES, vision: c.vision, projection: c.projectionDim }
}

/** Matmul FLOPs of one vision forward over `frames` images. */
export function visionForwardFlops(v: ClipVisionConfig, projection: number, frames: number): number {
  const d = v.hiddenSize
  const patches = (v.imageSize / v.patchSize) ** 2
  const l = patches + 1
  const perLayer = 2 * l * (4 * d * d + 2 * d * v.intermediateSize) + 2 * 2 * l * l * d
  const patchEmbed = 2 * patches * v.numChannels * v.patchSize ** 2 * d
  return frames * (v.numHiddenLayers * perLayer + patchEmbed + 2 * d * projection)
}

function randomVision(s: Shape): { vision: ClipVisionWeights; projection: LinearWeights; all: tf.Variable[] } {
  const config = parseClipConfig({ projection_dim: s.projection, vision_config: { patch_size: s.vision.patchSize, num_hidden_layers: s.vision.numHiddenLayers } })
  const specs = clipWeightSpecs(config, ['vision'])
  const placed = new Map(
    specs.map((sp, i) => {
      const init = sp.name === 'logit_scale' ? tf.scalar(Math.log(100)) : /(layer_norm\d|layrnorm|layernorm)\.weight$/.test(sp.name) ? tf.ones(sp.shape) : tf.randomNormal(sp.shape, 0, 0.02, 'float32', i)
      const v = tf.variable(init, true, `clip_bench/${sp.name}`)
      init.dispose()
      return [sp.name, v as tf.Tensor]
    }),
  )
  const w = clipModelWeights(placed)
  return { vision: w.vision_model!, projection: w.visual_projection!, all: flattenWeights(w as unknown as WeightTree).map(([, t]) => t as tf.Variable) }
}

const mb = (bytes: number): number => Math.round(bytes / 2 ** 20)

/** 1-minute load average: on a shared machine, other jobs slow every figure down. */
const load = (): number => Number(loadavg()[0]!.toFixed(2))

function rssMb(): number {
  return Math.round(process.memoryUsage().rss / 2 ** 20)
}

export const clipBench: BenchSuite = {
  name: 'clip',
  description: 'CLIP ViT-B/16 vision tower, random weights, one 8-frame clip: forward, and forward+backward with per-block recomputation; PyTorch on the same machine for the ratio',
  async run({ quick, log }) {
    const s = shape(quick)
    const backend = tf.getBackend()
    const flops = visionForwardFlops(s.vision, s.projection, s.frames)
    log(`clip: ${s.label}, ${s.frames} frames × ${s.vision.imageSize} px on ${backend}: forward ${(flops / 1e9).toFixed(1)} GFLOP, forward+backward counted as ${((3 * flops) / 1e9).toFixed(1)}`)
    const { vision, projection, all } = randomVision(s)
    const pixels = tf.randomNormal([s.frames, 3, s.vision.imageSize, s.vision.imageSize], 0, 1, 'float32', 7) as tf.Tensor4D
    const target = tf.randomNormal([s.frames, s.projection], 0, 1, 'float32', 8)
    const rows: BenchRow[] = []
    try {
      const forward = async (input: tf.Tensor4D): Promise<void> => {
        const y = tf.tidy(() => linear(clipVisionTransformer(input, vision, s.vision).pooled, projection))
        await y.data()
        y.dispose()
      }
      const forwardBackward = async (): Promise<void> => {
        const { value, grads } = tf.variableGrads(() => tf.tidy(() => tf.mean(tf.square(tf.sub(linear(clipVisionTransformer(pixels, vision, s.vision, { recompute: true }).pooled, projection), target)))) as tf.Scalar, all)
        await Promise.all([value, ...Object.values(grads)].map((t) => t.data()))
        tf.dispose([value, ...Object.values(grads)])
      }
      // Warm-up, not timed: one image on the CPU backends (kernel setup, XNNPACK init); the whole
      // clip, forward and backward, on a GPU, which compiles a shader per kernel and shape.
      const gpu = backend === 'webgpu' || backend === 'tensorflow'
      const first = gpu ? pixels : (pixels.slice([0], [1]) as tf.Tensor4D)
      await forward(first)
      if (first !== pixels) first.dispose()
      if (gpu) await forwardBackward()

      // tf.profile makes a GPU backend time every kernel with timestamp queries: on a GPU, time
      // without it (and report no peak-memory figure).
      const measure = async (f: () => Promise<void>): Promise<{ peakBytes: number | null }> => (gpu ? (await f(), { peakBytes: null }) : tf.profile(f))
      let t0 = performance.now()
      const fwd = await measure(() => forward(pixels))
      const fwdMs = performance.now() - t0
      log(`clip: forward ${fwdMs.toFixed(0)} ms`)
      rows.push({
        name: `tfjs ${backend}: ${s.label} vision forward, ${s.frames} frames`,
        ms: fwdMs,
        extra: { GFLOPs: flops / 1e9 / (fwdMs / 1e3), ...(fwd.peakBytes === null ? {} : { 'peak tensors MB': mb(fwd.peakBytes) }), 'RSS MB': rssMb(), load: load() },
      })

      t0 = performance.now()
      const bwd = await measure(forwardBackward)
      const bwdMs = performance.now() - t0
      log(`clip: forward+backward ${bwdMs.toFixed(0)} ms`)
      rows.push({
        name: `tfjs ${backend}: ${s.label} vision forward+backward (per-block recomputation), ${s.frames} frames`,
        ms: bwdMs,
        extra: { GFLOPs: (3 * flops) / 1e9 / (bwdMs / 1e3), ...(bwd.peakBytes === null ? {} : { 'peak tensors MB': mb(bwd.peakBytes) }), 'RSS MB': rssMb(), 'weights MB': mb(all.reduce((n, v) => n + v.size * 4, 0)), load: load() },
      })
    } finally {
      tf.dispose([pixels, target, ...all])
    }

    const torch = runTorchVisionBench({
      frames: s.frames,
      layers: s.vision.numHiddenLayers,
      width: s.vision.hiddenSize,
      heads: s.vision.numAttentionHeads,
      intermediate: s.vision.intermediateSize,
      patch: s.vision.patchSize,
      image: s.vision.imageSize,
      projection: s.projection,
      gpu: backend === 'webgpu' || backend === 'tensorflow',
    })
    if (!torch.ok) {
      log(`clip: PyTorch not measured: ${torch.reason}`)
      rows.push({ name: `PyTorch: not measured (${torch.short})`, ms: NaN })
      return rows
    }
    const t: TorchFigures = torch.figures
    const where = `PyTorch ${t.version} ${t.device}${t.device === 'cpu' ? `, ${t.threads} threads` : ''}`
    rows.push(
      { name: `${where}: ${s.label} vision forward, ${s.frames} frames`, ms: t.forwardMs, extra: { GFLOPs: flops / 1e9 / (t.forwardMs / 1e3), 'peak MB': t.peakMb, 'tfjs/torch': rows[0]!.ms / t.forwardMs } },
      {
        name: `${where}: ${s.label} vision forward+backward (per-block checkpoint), ${s.frames} frames`,
        ms: t.backwardMs,
        extra: { GFLOPs: (3 * flops) / 1e9 / (t.backwardMs / 1e3), 'peak MB': t.peakMb, 'tfjs/torch': rows[1]!.ms / t.backwardMs },
      },
    )
    return rows
  },
}
