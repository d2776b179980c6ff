import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { AdamW } from '../../../../../main/engine/optim/adamw'
import { FlatAdamW } from '../../../../../main/engine/tf/webgpu/adamw'
import { countsSince, transferCounts } from '../../../../../main/engine/tf/webgpu/counters'
import { onCpu, readAll, useWebgpu, values, WEBGPU_SKIP_REASON, WEBGPU_TESTABLE, worstRelative } from '../../../../helpers/webgpu'

// Odd sizes: segments that end inside a workgroup (256 lanes), one spanning three, a scalar (the logit
// scale: decayed), 1-D ones (no decay).
const SHAPES = [[7], [5, 3], [2, 3, 5], [], [3, 171], [257], [13, 1]]
const STEPS = 4
const size = (s: number[]): number => s.reduce((a, b) => a * b, 1)

function makeVars(tag: string): tf.Variable[] {
  return SHAPES.map((s, i) => tf.tidy(() => tf.variable(tf.tensor(values(size(s), i + 1), s), true, `adamw-${tag}-${i}-${Math.random()}`)))
}

/** Step `step`'s gradients: the fourth variable has none in the second step, the first none in the third (PyTorch skips a None grad). */
function gradients(step: number): (tf.Tensor | null)[] {
  const scale = step === 3 ? 40 : 1
  return SHAPES.map((s, i) => ((step === 1 && i === 3) || (step === 2 && i === 0) ? null : tf.tensor(values(size(s), 100 * step + i).map((x) => x * scale), s)))
}

/** STEPS AdamW steps (clipping on; the last step's gradients are large, so it clips); returns the variables, moments and norms. */
function run(opts: { clipNorm?: number } = { clipNorm: 1 }): tf.Tensor[] {
  const vars = makeVars('run')
  const opt = new AdamW({ lr: 0.05, weightDecay: 0.1, ...opts })
  const norms: tf.Tensor[] = []
  for (let step = 0; step < STEPS; step++) {
    const grads = gradients(step)
    norms.push(opt.step(vars, grads))
    tf.dispose(grads.filter((g): g is tf.Tensor => g !== null))
  }
  const moments = opt.exportState(vars).moments.flatMap((mv) => [mv!.m.clone(), mv!.v.clone()])
  const out = [...vars.map((v) => v.clone()), ...moments, ...norms]
  opt.dispose()
  tf.dispose(vars)
  return out
}

function expectClose(got: Float32Array[], want: Float32Array[], tol: number): void {
  expect(got.length).toBe(want.length)
  want.forEach((w, i) => expect(worstRelative(got[i]!, w), `output ${i}`).toBeLessThan(tol))
}

describe.skipIf(!WEBGPU_TESTABLE)(`the engine's flat WGSL AdamW on WebGPU (${WEBGPU_TESTABLE ? 'adapter allowed' : WEBGPU_SKIP_REASON})`, () => {
  beforeAll(async () => {
    await useWebgpu()
  })

  it('four steps over variables of odd sizes (clipping, decay rules, skipped gradients) give the variables, moments and norms of the tfjs ops on the CPU, no tensor left', async () => {
    const want = await onCpu(run)
    const before = tf.memory().numTensors
    const got = await readAll(run())
    expect(tf.memory().numTensors).toBe(before)
    expectClose(got, want, 1e-6)
  })

  it('without clipping too', async () => {
    const want = await onCpu(() => run({}))
    expectClose(await readAll(run({})), want, 1e-6)
  })

  it('resuming from exported moments (a checkpoint) after two steps gives what four steps in one go give', async () => {
    const resumed = (): tf.Tensor[] => {
      const vars = makeVars('resume')
      const first = new AdamW({ lr: 0.05, weightDecay: 0.1, clipNorm: 1 })
      const stepWith = (opt: AdamW, step: number): void => {
        const grads = gradients(step)
        tf.dispose([opt.step(vars, grads), ...grads.filter((g): g is tf.Tensor => g !== null)])
      }
      stepWith(first, 0)
      stepWith(first, 1)
      const saved = first.exportState(vars)
      const second = new AdamW({ lr: 0.05, weightDecay: 0.1, clipNorm: 1 })
      second.loadState(vars, saved.step, saved.moments)
      first.dispose()
      stepWith(second, 2)
      stepWith(second, 3)
      const out = vars.map((v) => v.clone())
      second.dispose()
      tf.dispose(vars)
      return out
    }
    const before = tf.memory().numTensors
    const got = await readAll(resumed())
    expect(tf.memory().numTensors).toBe(before)
    const all = run()
    tf.dispose(all.slice(SHAPES.length))
    const want = await readAll(all.slice(0, SHAPES.length))
    expectClose(got, want, 1e-6)
  })

  it('one AdamW dispatch per step whatever the number of variables: the step costs the same dispatches for 7 variables as for 1', async () => {
    const dispatchesOf = (shapes: number[][]): number => {
      const vars = shapes.map((s, i) => tf.variable(tf.tensor(values(size(s), i + 1), s)))
      const opt = new AdamW({ lr: 0.01, clipNorm: 1 })
      const grads = shapes.map((s, i) => tf.tensor(values(size(s), 50 + i), s))
      try {
        tf.dispose(opt.step(vars, grads)) // lays out the moments
        const before = transferCounts()
        tf.dispose(opt.step(vars, grads))
        const c = countsSince(before)
        expect(c.uploads, 'nothing uploaded after the first step').toBe(0)
        return c.dispatches
      } finally {
        opt.dispose()
        tf.dispose([...vars, ...grads])
      }
    }
    const one = dispatchesOf([SHAPES[4]!])
    expect(dispatchesOf(SHAPES)).toBe(one)
    expect(one).toBeLessThanOrEqual(4) // the norm (square, sum, sqrt) and the update
  })

  it('moments split over several chunks (as when the variables exceed one binding) give the same result, one dispatch per chunk', async () => {
    const vars = makeVars('chunks')
    const flatRun = async (chunkElements: number | undefined): Promise<Float32Array[]> => {
      const copies = vars.map((v) => tf.tidy(() => tf.variable(v.clone())))
      const flat = new FlatAdamW(copies, () => null, chunkElements)
      const grads = gradients(0)
      const steps = copies.map((v, i) => ({ grad: grads[i]!, decay: v.rank === 1 ? 0 : 0.1, c1: 0.1, c2: 0.001 }))
      const { norm, updated } = flat.step(copies, steps, { lr: 0.05, beta1: 0.9, beta2: 0.999, eps: 1e-8, clipNorm: 1 })
      const moments = copies.flatMap((v) => flat.momentsOf(v))
      flat.dispose()
      tf.dispose([...grads.filter((g): g is tf.Tensor => g !== null), ...copies])
      return readAll([norm, ...(updated as tf.Tensor[]), ...moments])
    }
    const before = tf.memory().numTensors
    const whole = await flatRun(undefined)
    const chunked = await flatRun(520) // [3, 171] alone fills one: four chunks
    expect(tf.memory().numTensors).toBe(before)
    expectClose(chunked, whole, 1e-6)
    tf.dispose(vars)
  })
})
