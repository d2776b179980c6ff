import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import { Engine } from '../../../../main/engine/engine'
import { loadExperimentFile } from '../../../../main/engine/experiments/resolve'
import { setGemm } from '../../../../main/engine/tf/gemm'
import { findGemmAddon } from '../../../../main/engine/tf/gemm_addon'
import { tempDir } from '../../../helpers/temp-dir'
import { writeTinyExperiment } from './tiny-experiment'

/** Every metric of a run as [name, step, epoch, value]. */
async function runTiny(dataDir: string, file: string, runsInProcess: boolean): Promise<[string, number, number | null, number][]> {
  const engine = await Engine.start({ dataDir, backend: 'wasm', runsInProcess })
  try {
    await engine.whenBackendReady()
    const tensorsBefore = tf.memory().numTensors
    // seed 0: tfjs's random ops take a seed of 0 as "unseeded", which once made two runs differ from step 1
    const launched = engine.runs.launch(loadExperimentFile(file, { seed: 0, 'train.epochs': 1 }))
    const runId = launched.runs[0]!.id
    await engine.runs.runOnly([runId])
    expect((await engine.invoke('runs.get', { id: runId })).status).toBe('done')
    expect(tf.memory().numTensors).toBe(tensorsBefore)
    return (await engine.invoke('runs.metrics', { runId })).map((p) => [p.name, p.step, p.epoch, p.value])
  } finally {
    engine.close()
  }
}

describe('training determinism', () => {
  it('two runs with the same seed on the same backend give bit-identical metrics, training and evaluation, in this process or in a worker', async () => {
    const dir = tempDir()
    try {
      const file = writeTinyExperiment(dir.path, 'tiny-determinism')
      const first = await runTiny(join(dir.path, 'first'), file, true)
      const second = await runTiny(join(dir.path, 'second'), file, false)
      // 4 steps (16 seen-class videos, 2 × 2 clips per step) of loss, CE, FD, LR and gradient norm, and evaluation metrics
      for (const name of ['train/loss', 'train/ce', 'train/fd', 'train/lr', 'train/grad_norm']) expect(first.filter((p) => p[0] === name), name).toHaveLength(4)
      expect(first.some((p) => p[0].startsWith('eval/'))).toBe(true)
      expect(second).toEqual(first)
    } finally {
      dir.remove()
    }
  }, 300_000)

  // Issue 19 (gradient drift between providers): the providers agree step by step to float32 rounding
  // (measured on the smoke run: loss 1.3e-6, gradient norm 4e-6 relative); the bounds are the README's.
  it.skipIf(findGemmAddon() === null)('the BLAS addon and tfjs-wasm\'s own products give the same run to float32 rounding, step by step', async () => {
    const dir = tempDir()
    try {
      const file = writeTinyExperiment(dir.path, 'tiny-providers')
      setGemm('blas')
      const blas = await runTiny(join(dir.path, 'blas'), file, true)
      setGemm('wasm')
      const wasm = await runTiny(join(dir.path, 'wasm'), file, true)
      const series = (run: typeof blas, name: string): number[] => run.filter((p) => p[0] === name).map((p) => p[3])
      const relative = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b)
      for (const [name, bound] of [['train/loss', 1e-5], ['train/grad_norm', 1e-4]] as const) {
        const [a, b] = [series(blas, name), series(wasm, name)]
        expect(a).toHaveLength(4)
        a.forEach((v, i) => expect(relative(v, b[i]!), `${name} at step ${i + 1}: ${v} vs ${b[i]}`).toBeLessThan(bound))
      }
      expect(series(blas, 'eval/synthmotion/unseen/top1')).toEqual(series(wasm, 'eval/synthmotion/unseen/top1'))
    } finally {
      setGemm(process.env.STDD_GEMM === 'wasm' ? 'wasm' : 'blas') // the provider this process selected
      dir.remove()
    }
  }, 300_000)
})
