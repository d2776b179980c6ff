import { readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { ClipWorkerPool } from '../../../../main/engine/data/clip-workers/pool'
import { Engine } from '../../../../main/engine/engine'
import { loadExperimentFile } from '../../../../main/engine/experiments/resolve'
import { buildSynthWorld } from '../../../../main/engine/data/synth/world'
import { writeSynthDataset } from '../../../../main/engine/data/synth/writer'
import { tempDir } from '../../../helpers/temp-dir'

/**
 * A run that trains one epoch on SynthMotion written to disk and evaluates on its test list, where
 * one video is broken: once with clips made by the clip worker thread (the default), once on the
 * engine thread (STDD_DATA_WORKERS=0). Both finish, skip, count and log the broken video, and give
 * the same numbers at every step.
 */
let dir: ReturnType<typeof tempDir>
let engine: Engine
let brokenVideo: string
let tensorsBefore: number
const runIds: Record<'worker' | 'inThread', number> = { worker: 0, inThread: 0 }
const saved = process.env.STDD_DATA_WORKERS
const spies = {
  evalClip: vi.spyOn(ClipWorkerPool.prototype, 'evalClip'),
  trainClip: vi.spyOn(ClipWorkerPool.prototype, 'trainClip'),
  close: vi.spyOn(ClipWorkerPool.prototype, 'close'),
}

async function evaluateOnce(file: string, workers: string | undefined): Promise<number> {
  if (workers === undefined) delete process.env.STDD_DATA_WORKERS
  else process.env.STDD_DATA_WORKERS = workers
  const launched = engine.runs.launch(loadExperimentFile(file))
  const id = launched.runs[0]!.id
  await engine.runs.runOnly([id])
  return id
}

beforeAll(async () => {
  dir = tempDir('stdd-eval-workers-')
  const world = buildSynthWorld({ seed: 0 })
  const root = join(dir.path, 'synth')
  await writeSynthDataset({ outDir: root, seed: 0, size: 32, frames: 16, perClass: 3, concurrency: 2, classIndices: world.unseen })
  // split 1 tests video 1 of each class (…_g01_c01.avi): break the first class's
  const folder = join(root, 'UCF-101', world.classes[world.unseen[0]!]!.folder)
  brokenVideo = join(folder, readdirSync(folder).sort()[0]!)
  writeFileSync(brokenVideo, 'not a video any more')
  const file = join(dir.path, 'eval-only.yaml')
  const data = `dataset: synthmotion, root: '${root}', synth: { classes: unseen }`
  writeFileSync(file, `name: on-disk\nseed: 5\nmodel: { checkpoint: 'builtin:synth-clip' }\ntrain: { data: { ${data} }, epochs: 1, batchSize: 2, globalBatch: 4 }\neval:\n  - { ${data}, views: 2 }\n`)
  engine = await Engine.start({ dataDir: join(dir.path, 'data'), backend: 'wasm', runsInProcess: true })
  await engine.whenBackendReady()
  tensorsBefore = tf.memory().numTensors
  runIds.worker = await evaluateOnce(file, undefined)
  runIds.inThread = await evaluateOnce(file, '0')
}, 300_000)
afterAll(() => {
  vi.restoreAllMocks()
  engine?.close()
  dir.remove()
  if (saved === undefined) delete process.env.STDD_DATA_WORKERS
  else process.env.STDD_DATA_WORKERS = saved
})

describe('evaluation with clip worker threads', () => {
  it('skips a broken video, counts it and logs its error', async () => {
    const videos = buildSynthWorld({ seed: 0 }).unseen.length
    for (const id of [runIds.worker, runIds.inThread]) {
      const run = await engine.invoke('runs.get', { id })
      expect(run.error).toBeNull()
      expect(run.status).toBe('done')
      expect(run.lastMetrics['eval/synthmotion/unseen/skipped']).toBe(1)
      expect(run.lastMetrics['eval/synthmotion/unseen/videos']).toBe(videos - 1)
      const lines = engine.log.recent(1000).filter((e) => e.source === `run ${id}`).map((e) => e.message)
      expect(lines.filter((m) => m.startsWith('skipped '))).toEqual([expect.stringMatching(new RegExp(`^skipped ${brokenVideo} \\(.*\\): ${brokenVideo}: ffprobe cannot read the file`))])
      expect(lines).toContain(id === runIds.worker ? 'videos on disk are decoded by 1 clip worker thread(s)' : 'videos on disk are decoded on the engine thread (STDD_DATA_WORKERS=0)')
    }
    expect(tf.memory().numTensors).toBe(tensorsBefore)
  })

  it('loads through one pool in the worker run (none in the other), closed at the end with no thread left', () => {
    const videos = buildSynthWorld({ seed: 0 }).unseen.length
    expect(spies.trainClip).toHaveBeenCalledTimes(16)
    expect(spies.evalClip).toHaveBeenCalledTimes(videos)
    expect(spies.close).toHaveBeenCalledTimes(1)
    const pool = spies.close.mock.contexts[0] as ClipWorkerPool
    expect(spies.evalClip.mock.contexts.every((c) => c === pool)).toBe(true)
    expect(pool.workers).toBe(1)
    expect(pool.liveThreads).toBe(0)
  })

  it('trains and evaluates to the same numbers as decoding on the engine thread', async () => {
    const worker = (await engine.invoke('runs.get', { id: runIds.worker })).lastMetrics
    const inThread = (await engine.invoke('runs.get', { id: runIds.inThread })).lastMetrics
    expect(Object.keys(worker).filter((k) => k.startsWith('eval/')).length).toBeGreaterThan(3)
    expect(worker).toEqual(inThread)
    const series = async (runId: number) => (await engine.invoke('runs.metrics', { runId })).map((p) => [p.name, p.step, p.value])
    const trained = await series(runIds.worker)
    expect(trained.filter(([name]) => name === 'train/loss')).toHaveLength(4) // 16 training videos, 4 per step
    expect(trained).toEqual(await series(runIds.inThread))
  })
})
