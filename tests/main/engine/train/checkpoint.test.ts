import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { AdamW } from '../../../../main/engine/optim/adamw'
import { averageCheckpoints, CheckpointIntegrityError, checkpointEpochs, loadCheckpoint, pruneCheckpoints, saveCheckpoint, type TrainState } from '../../../../main/engine/train/checkpoint'
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

describe('checkpoint integrity and retention (issue 19: F6, F13, F14)', () => {
  async function saveEpochs(dir: string, epochs: number[], v: tf.Variable): Promise<void> {
    const opt = new AdamW({ lr: 0.1, weightDecay: 0 })
    try {
      for (const epoch of epochs) await saveCheckpoint(dir, [['w', v]], opt.exportState([v]), { ...state, epoch })
    } finally {
      opt.dispose()
    }
  }

  it('a byte flipped after the safetensors header is refused on load, naming the file and the fix', async () => {
    const dir = tempDir()
    const v = tf.variable(tf.tensor2d([[1, 2, 3, 4]]))
    try {
      await saveEpochs(dir.path, [1, 2], v)
      const weights = join(dir.path, 'checkpoints', 'epoch-0002', 'weights.safetensors')
      const bytes = readFileSync(weights)
      bytes[bytes.length - 2]! ^= 0x40
      writeFileSync(weights, bytes)
      expect(() => loadCheckpoint(dir.path, 2, [['w', v]])).toThrow(CheckpointIntegrityError)
      expect(() => loadCheckpoint(dir.path, 2, [['w', v]])).toThrow(new RegExp(`${weights}: the checkpoint is damaged .*remove .*epoch-0002 to resume from the epoch before`))
      expect(() => averageCheckpoints(dir.path, 1, 2, [['w', v]])).toThrow(/weights\.safetensors: the checkpoint is damaged/)
      const loaded = loadCheckpoint(dir.path, 1, [['w', v]])
      expect(loaded.state.epoch).toBe(1)
    } finally {
      v.dispose()
      dir.remove()
    }
  })

  it('a damaged state.json is named, not reported as a bare JSON position', async () => {
    const dir = tempDir()
    const v = tf.variable(tf.tensor2d([[1, 2]]))
    try {
      await saveEpochs(dir.path, [1], v)
      const ckpt = join(dir.path, 'checkpoints', 'epoch-0001')
      rmSync(join(ckpt, 'checksums.json')) // as a checkpoint written before checksums
      writeFileSync(join(ckpt, 'state.json'), '{"epoch": 1 "x"}')
      expect(() => loadCheckpoint(dir.path, 1, [['w', v]])).toThrow(new RegExp(`${join(ckpt, 'state.json')}: not a readable checkpoint state`))
    } finally {
      v.dispose()
      dir.remove()
    }
  })

  it('keeps the last k checkpoints and those weight averaging needs', async () => {
    const dir = tempDir()
    const v = tf.variable(tf.tensor2d([[1, 2]]))
    try {
      await saveEpochs(dir.path, [1, 2, 3, 4, 5, 6, 7, 8], v)
      expect(pruneCheckpoints(dir.path, 2, { from: 3, to: 4 }, 8)).toEqual([1, 2, 5, 6])
      expect(checkpointEpochs(dir.path)).toEqual([3, 4, 7, 8])
      expect(pruneCheckpoints(dir.path, 1, null, 8)).toEqual([3, 4, 7])
      expect(checkpointEpochs(dir.path)).toEqual([8])
    } finally {
      v.dispose()
      dir.remove()
    }
  })
})
