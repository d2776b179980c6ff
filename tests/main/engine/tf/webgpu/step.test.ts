import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { parseClipConfig } from '../../../../../main/engine/clip/configuration_clip'
import { clipModelWeights, clipWeightSpecs } from '../../../../../main/engine/clip/weights_clip'
import { buildStddModel, disposeStddModel, trainableVariables } from '../../../../../main/engine/stdd/adaptation'
import type { StddVideoModel } from '../../../../../main/engine/stdd/model'
import { AdamW } from '../../../../../main/engine/optim/adamw'
import { resolveStddConfig } from '../../../../../main/engine/stdd/config'
import { stddLosses, stddTrainStep, type TrainBatch } from '../../../../../main/engine/stdd/train_step'
import { teacherForward } from '../../../../../main/engine/stdd/video_model'
import { countsSince, transferCounts, type TransferCounts } from '../../../../../main/engine/tf/webgpu/counters'
import { webgpuBackend } from '../../../../../main/engine/tf/webgpu/dispatch'
import { setStorage } from '../../../../../main/engine/tf/webgpu/storage'
import { seededRng } from '../../../../../main/engine/util/random'
import { onCpu, readAll, useWebgpu, WEBGPU_SKIP_REASON, WEBGPU_TESTABLE } from '../../../../helpers/webgpu'

/**
 * A whole STDD training step of a tiny model (2 layers, width 32, 4×4 patches, 4 frames) on WebGPU with
 * the engine's kernels, against the same step on the CPU backend: every trainable variable's gradient,
 * and what the step moves between CPU and GPU.
 */

const CONFIG = parseClipConfig({
  projection_dim: 16,
  vision_config: { hidden_size: 32, intermediate_size: 64, num_hidden_layers: 2, num_attention_heads: 2, image_size: 64, patch_size: 16 },
})
const FRAMES = 4

function tinyModel(): StddVideoModel {
  const placed = new Map<string, tf.Tensor>()
  clipWeightSpecs(CONFIG, ['vision']).forEach((sp, i) => {
    placed.set(sp.name, sp.name === 'logit_scale' ? tf.scalar(Math.log(100)) : /(layer_norm\d|layrnorm|layernorm)\.weight$/.test(sp.name) ? tf.ones(sp.shape) : tf.randomNormal(sp.shape, 0, 0.05, 'float32', 10 + i))
  })
  const model = buildStddModel(clipModelWeights(placed), CONFIG, resolveStddConfig({}))
  tf.dispose([...placed.values()])
  return model
}

function batch(): TrainBatch {
  return {
    clips: tf.randomNormal([2, FRAMES, 3, 64, 64], 0, 1, 'float32', 3) as tf.Tensor5D,
    labels: [1, 4],
    prompts: tf.randomNormal([6, 3, CONFIG.projectionDim], 0, 1, 'float32', 4) as tf.Tensor3D,
  }
}

/** The loss and the gradient of every trainable variable, for a fixed batch and mask seed. */
function lossAndGrads(): tf.Tensor[] {
  const model = tinyModel()
  const b = batch()
  try {
    const teacher = model.teacher && model.projector ? teacherForward(model.teacher, model, b.clips) : null
    const vars = trainableVariables(model)
    const { value, grads } = tf.variableGrads(() => stddLosses(model, b, teacher, { rng: seededRng(9) }).total, vars)
    teacher?.dispose()
    return [value, ...vars.map((v) => grads[v.name] ?? tf.zeros(v.shape))]
  } finally {
    tf.dispose([b.clips, b.prompts])
    disposeStddModel(model)
  }
}

describe.skipIf(!WEBGPU_TESTABLE)(`an STDD training step on WebGPU (${WEBGPU_TESTABLE ? 'adapter allowed' : WEBGPU_SKIP_REASON})`, () => {
  beforeAll(async () => {
    await useWebgpu()
  })

  // The floor of 1e-4: some gradients are zero analytically (a key bias: softmax ignores a shift of a query's scores), ~1e-9 in floats.
  it('the loss and every trainable variable’s gradient match the CPU backend (relative to each gradient’s largest entry, at least 1e-4)', async () => {
    const want = await onCpu(lossAndGrads)
    const got = await readAll(lossAndGrads())
    expect(got.length).toBe(want.length)
    expect(Math.abs(got[0]![0]! - want[0]![0]!)).toBeLessThan(1e-5 * Math.max(1, Math.abs(want[0]![0]!)))
    for (let i = 1; i < want.length; i++) {
      const w = want[i]!
      const scale = Math.max(1e-4, ...Array.from(w, Math.abs))
      let worst = 0
      for (let j = 0; j < w.length; j++) worst = Math.max(worst, Math.abs(got[i]![j]! - w[j]!) / scale)
      expect(worst, `gradient ${i - 1}`).toBeLessThan(1e-4)
    }
  })

  it('stays on the GPU: one read per step (the logged values), nothing forwarded to the CPU, dispatches and uploads within budget, no tensor left', async () => {
    expect(tf.env().getBool('WEBGPU_CPU_FORWARD')).toBe(false)
    const model = tinyModel()
    const b = batch()
    const opt = new AdamW({ lr: 1e-3, clipNorm: 1 })
    try {
      await stddTrainStep(model, [b], opt, { rng: seededRng(1) }) // first step: moments created, inputs uploaded
      const tensors = tf.memory().numTensors
      const before = transferCounts()
      const r = await stddTrainStep(model, [b], opt, { rng: seededRng(2) })
      const c = countsSince(before)
      expect(Number.isFinite(r!.total)).toBe(true)
      expect(c.reads).toBe(1)
      expect(c.cpuOutputs, 'kernel outputs computed on the CPU').toBe(0)
      // Deterministic counts for this model: budgets that catch a regression (before the flat AdamW
      // and the kept constants the bench's step made 442 uploads; `npm run bench -- --suite gpu` guards it too)
      expect(c.dispatches).toBeGreaterThan(0)
      expect(c.dispatches, 'dispatches per step').toBeLessThanOrEqual(1236)
      expect(c.uploads, 'uploads per step: the data (labels, mask indices), no constants').toBeLessThanOrEqual(43)
      expect(tf.memory().numTensors).toBe(tensors)
    } finally {
      tf.dispose([b.clips, b.prompts])
      opt.dispose()
      disposeStddModel(model)
    }
  })

  it('counts an op run on the CPU (the counter the step is held to can fail): with WEBGPU_CPU_FORWARD on, a small op on fresh values is forwarded', async () => {
    const x = tf.tensor1d([1, 2, 3])
    tf.env().set('WEBGPU_CPU_FORWARD', true)
    try {
      const before = transferCounts()
      tf.dispose(tf.neg(x))
      expect(countsSince(before).cpuOutputs).toBe(1)
    } finally {
      tf.env().set('WEBGPU_CPU_FORWARD', false)
    }
    const y = tf.tensor1d([1, 2, 3])
    const before = transferCounts()
    tf.dispose(tf.neg(y))
    expect(countsSince(before).cpuOutputs).toBe(0)
    tf.dispose([x, y])
  })

  it('with f16 storage: the weights are read from packed f16 copies (half the bytes of f32), the step stays on the GPU, the loss stays near f32, no tensor left', async (ctx) => {
    if (!webgpuBackend().device.features.has('shader-f16')) ctx.skip('this adapter has no shader-f16')
    const run = async (mode: 'f32' | 'f16'): Promise<{ total: number; c: TransferCounts; leaked: number }> => {
      setStorage(mode)
      const model = tinyModel()
      const b = batch()
      const opt = new AdamW({ lr: 1e-3, clipNorm: 1 })
      try {
        await stddTrainStep(model, [b], opt, { rng: seededRng(1) })
        const tensors = tf.memory().numTensors
        const before = transferCounts()
        const r = await stddTrainStep(model, [b], opt, { rng: seededRng(2) })
        return { total: r!.total, c: countsSince(before), leaked: tf.memory().numTensors - tensors }
      } finally {
        tf.dispose([b.clips, b.prompts])
        opt.dispose()
        disposeStddModel(model)
        setStorage('f32')
      }
    }
    const start = tf.memory().numTensors
    const f32 = await run('f32')
    const f16 = await run('f16')
    expect(tf.memory().numTensors).toBe(start)
    expect(f16.leaked).toBe(0)
    expect(f16.c.reads).toBe(1)
    expect(f16.c.cpuOutputs).toBe(0)
    expect(f32.c.weightBytes).toBeGreaterThan(0)
    expect(f16.c.weightBytes).toBe(f32.c.weightBytes / 2)
    expect(Math.abs(f16.total - f32.total)).toBeLessThan(2e-3 * Math.max(1, Math.abs(f32.total)))
  })
})
