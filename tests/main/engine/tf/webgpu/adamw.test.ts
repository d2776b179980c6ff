import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { AdamW } from '../../../../../main/engine/optim/adamw'
import { onCpu, readAll, useWebgpu, values, WEBGPU_SKIP_REASON, WEBGPU_TESTABLE, worstRelative } from '../../../../helpers/webgpu'

const SHAPES = [[7], [5, 3], [2, 3, 5], []] // 1-D: no decay; a scalar (the logit scale) is decayed

/** Three AdamW steps (clipping on) of variables of SHAPES with fixed gradients; returns the variables and the norms. */
function threeSteps(): tf.Tensor[] {
  const vars = SHAPES.map((s, i) => tf.tidy(() => tf.variable(tf.tensor(values(s.reduce((a, b) => a * b, 1), i + 1), s), true, `adamw-test-${i}-${Math.random()}`)))
  const opt = new AdamW({ lr: 0.05, weightDecay: 0.1, clipNorm: 1 })
  const norms: tf.Tensor[] = []
  for (let step = 0; step < 3; step++) {
    // the last variable gets no gradient in the second step: skipped, as PyTorch skips a None grad
    const grads = SHAPES.map((s, i) => (step === 1 && i === SHAPES.length - 1 ? null : tf.tensor(values(s.reduce((a, b) => a * b, 1), 100 * step + i), s)))
    norms.push(opt.step(vars, grads))
    tf.dispose(grads.filter((g): g is tf.Tensor => g !== null))
  }
  const out = vars.map((v) => v.clone())
  opt.dispose()
  tf.dispose(vars)
  return [...out, ...norms]
}

describe.skipIf(!WEBGPU_TESTABLE)(`the engine's WGSL AdamW on WebGPU (${WEBGPU_TESTABLE ? 'adapter allowed' : WEBGPU_SKIP_REASON})`, () => {
  beforeAll(async () => {
    await useWebgpu()
  })

  it('three steps with clipping, decay rules and a skipped gradient give the variables and norms of the tfjs ops on the CPU, no tensor left', async () => {
    const want = await onCpu(threeSteps)
    const before = tf.memory().numTensors
    const got = await readAll(threeSteps())
    expect(tf.memory().numTensors).toBe(before)
    want.forEach((w, i) => expect(worstRelative(got[i]!, w), `output ${i}`).toBeLessThan(1e-5))
  })
})
