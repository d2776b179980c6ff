import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { AdamW } from '../../../../main/engine/stdd/adamw'
import { loadCheckpoint, saveCheckpoint, type TrainState } from '../../../../main/engine/train/checkpoint'
import { tempDir } from '../../../helpers/temp-dir'
import { useWasm } from '../../../helpers/tf'

beforeAll(async () => {
  await useWasm()
})

const state: TrainState = { epoch: 1, optimizerStep: 2, lr: 0.1, rng: { scheme: 'per-epoch', seed: 0 }, dataPosition: { epoch: 1, batch: 0 } }
const grad = (values: number[]) => (): tf.Tensor => tf.tensor2d([values])

describe('checkpoints of the optimizer', () => {
  it("keep each variable's own AdamW step count: a restored optimizer continues exactly as the original", async () => {
    const dir = tempDir()
    const a = tf.variable(tf.tensor2d([[1, 2]]))
    const b = tf.variable(tf.tensor2d([[3, 4]]))
    const opt = new AdamW({ lr: 0.1, weightDecay: 0.1 })
    const restoredA = tf.variable(tf.zeros([1, 2]))
    const restoredB = tf.variable(tf.zeros([1, 2]))
    const restored = new AdamW({ lr: 0.1, weightDecay: 0.1 })
    try {
      // a gets two updates, b only the second: their bias corrections differ
      tf.tidy(() => opt.step([a, b], [grad([1, 1])(), null]).dispose())
      tf.tidy(() => opt.step([a, b], [grad([0.5, -1])(), grad([1, -1])()]).dispose())
      await saveCheckpoint(dir.path, [['a', a], ['b', b]], opt.exportState([a, b]), state)

      const loaded = loadCheckpoint(dir.path, 1, [['a', restoredA], ['b', restoredB]])
      expect(loaded.optimizer.step).toBe(2)
      expect(loaded.optimizer.moments.map((m) => m?.step)).toEqual([2, 1])
      restored.loadState([restoredA, restoredB], loaded.optimizer.step, loaded.optimizer.moments)
      tf.dispose(loaded.optimizer.moments.flatMap((m) => (m ? [m.m, m.v] : [])))
      expect(restoredA.dataSync()).toEqual(a.dataSync())

      const third = [grad([-2, 0.25]), grad([0.3, 0.7])]
      tf.tidy(() => opt.step([a, b], third.map((g) => g())).dispose())
      tf.tidy(() => restored.step([restoredA, restoredB], third.map((g) => g())).dispose())
      expect(restoredA.dataSync()).toEqual(a.dataSync())
      expect(restoredB.dataSync()).toEqual(b.dataSync())
    } finally {
      opt.dispose()
      restored.dispose()
      tf.dispose([a, b, restoredA, restoredB])
      dir.remove()
    }
  })
})
