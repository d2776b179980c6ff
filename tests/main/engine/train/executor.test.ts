import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Engine } from '../../../../main/engine/engine'
import { loadExperimentFile } from '../../../../main/engine/experiments/resolve'
import { activeGemm } from '../../../../main/engine/tf/gemm'
import { checkpointEpochs } from '../../../../main/engine/train/checkpoint'
import { tempDir } from '../../../helpers/temp-dir'
import { writeTinyExperiment } from './tiny-experiment'

let dir: ReturnType<typeof tempDir>
let engine: Engine
let runId: number
let tensorsBefore: number
/** Synchronous reads by the run (`dataSync`/`arraySync`): GPU backends have none in Node, so the run path must not use them. */
const syncReads: string[] = []
const proto = tf.Tensor.prototype as unknown as Record<'dataSync' | 'arraySync', (this: tf.Tensor) => unknown>
const original = { dataSync: proto.dataSync, arraySync: proto.arraySync }

beforeAll(async () => {
  for (const name of ['dataSync', 'arraySync'] as const) {
    proto[name] = function (this: tf.Tensor) {
      syncReads.push(`${name} of [${this.shape}] at ${new Error().stack?.split('\n')[2]?.trim()}`)
      return original[name].call(this)
    }
  }
  dir = tempDir()
  engine = await Engine.start({ dataDir: dir.path, backend: 'wasm', runsInProcess: true })
  await engine.whenBackendReady()
  tensorsBefore = tf.memory().numTensors
  const launched = engine.runs.launch(loadExperimentFile(writeTinyExperiment(dir.path), { 'train.checkpointsKept': 1 }))
  runId = launched.runs[0]!.id
  await engine.runs.runOnly([runId])
  Object.assign(proto, original)
}, 300_000)
afterAll(() => {
  Object.assign(proto, original)
  engine.close()
  dir.remove()
})

describe('a run of the STDD trainer and evaluator', () => {
  it('finishes, leaving no tensor behind', async () => {
    const run = await engine.invoke('runs.get', { id: runId })
    expect(run.error).toBeNull()
    expect(run.status).toBe('done')
    expect(tf.memory().numTensors).toBe(tensorsBefore)
  })

  it('reads tensors back only asynchronously (as a GPU backend needs)', () => {
    expect(syncReads).toEqual([])
  })

  it('records the training curve: loss, CE, distillation, LR and gradient norm at every step', async () => {
    const points = await engine.invoke('runs.metrics', { runId })
    const series = (name: string) => points.filter((p) => p.name === name).map((p) => p.value)
    expect(series('train/loss')).toHaveLength(8) // 2 epochs × 4 steps (16 seen-class videos, 4 per step)
    for (const name of ['train/ce', 'train/fd', 'train/lr', 'train/grad_norm']) expect(series(name)).toHaveLength(8)
    // L = CE + 2.0 · L_FD at every step (docs/method.md §4.4), with L_FD = 1 − cos in (0, 2): the STCA
    // student never equals its plain-CLIP teacher, so the term is never exactly 0.
    const [loss, ce, fd] = [series('train/loss'), series('train/ce'), series('train/fd')]
    loss.forEach((l, i) => expect(l).toBeCloseTo(ce[i]! + 2 * fd[i]!, 4))
    for (const f of fd) {
      expect(f).toBeGreaterThan(0)
      expect(f).toBeLessThan(2)
    }
    const lr = series('train/lr')
    expect(lr[0]).toBeLessThan(lr[2]!) // warm-up
    expect(lr[7]).toBeLessThan(lr[3]!) // cosine decay
    expect(series('train/epoch_loss')).toHaveLength(2)
  })

  it('writes a checkpoint per epoch, listed as artifacts, keeping the last train.checkpointsKept of them', () => {
    const rows = engine.db.prepare("SELECT name, path FROM artifacts WHERE run_id = ? AND kind = 'checkpoint' ORDER BY epoch").all(runId) as { name: string; path: string }[]
    expect(rows.map((r) => r.name)).toEqual(['epoch 2'])
    expect(checkpointEpochs(`${dir.path}/runs/${runId}`)).toEqual([2])
  })

  it('evaluates zero-shot on the unseen classes with per-class results, order-pair accuracy and maps', async () => {
    const run = await engine.invoke('runs.get', { id: runId })
    const m = run.lastMetrics
    expect(m['eval/synthmotion/unseen/videos']).toBe(8) // 8 unseen classes × 1 video
    expect(m['eval/synthmotion/unseen/skipped']).toBe(0)
    const perClass = engine.db.prepare('SELECT SUM(total) AS n, COUNT(*) AS k, SUM(correct) AS top1, SUM(top5_correct) AS top5 FROM class_results WHERE run_id = ?').get(runId) as { n: number; k: number; top1: number; top5: number }
    expect({ n: perClass.n, k: perClass.k }).toEqual({ n: 8, k: 8 })
    // the headline accuracies are the per-class counts pooled (in %)
    expect(m['eval/synthmotion/unseen/top1']).toBeCloseTo((100 * perClass.top1) / 8, 6)
    expect(m['eval/synthmotion/unseen/top5']).toBeCloseTo((100 * perClass.top5) / 8, 6)
    expect(perClass.top5).toBeGreaterThanOrEqual(perClass.top1)
    expect(m['eval/synthmotion/unseen/pair_acc']).toBeTypeOf('number')
    const maps = engine.db.prepare('SELECT kind, meta_json, length(blob) AS bytes FROM artifacts WHERE run_id = ? AND kind IN (?, ?) ORDER BY id').all(runId, 'attention_map', 'score_map') as { kind: string; meta_json: string; bytes: number }[]
    expect(maps.filter((a) => a.kind === 'attention_map')).toHaveLength(8) // every evaluated video
    for (const a of maps) {
      const meta = JSON.parse(a.meta_json) as { shape: number[] }
      // attention: uint8 [frames, 4, 4]; scores: float16 [frames, true class + top-5 = 5 or 6 classes, prompts]
      expect(a.bytes).toBe((a.kind === 'attention_map' ? 1 : 2) * meta.shape.reduce((x, y) => x * y, 1))
      expect(meta.shape[0]).toBe(8) // frames
      if (a.kind === 'score_map') expect(meta.shape[1]).toBeLessThanOrEqual(6)
    }
    expect(run.backend).toBe('wasm')
    expect(run.gemm).toBe(activeGemm()!.name) // blas where the addon is built, else wasm: recorded with the run
  })

  it('links the run to the prompt set it used', () => {
    const row = engine.db.prepare('SELECT p.kind, p.hash FROM runs r JOIN prompt_sets p ON p.id = r.prompt_set_id WHERE r.id = ?').get(runId) as { kind: string; hash: string }
    expect(row.kind).toBe('st')
    expect(row.hash).toMatch(/^[0-9a-f]{64}$/)
  })
})
