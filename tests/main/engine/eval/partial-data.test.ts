import { rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildSynthWorld } from '../../../../main/engine/data/synth/world'
import { synthVideoName, writeSynthDataset } from '../../../../main/engine/data/synth/writer'
import { Engine } from '../../../../main/engine/engine'
import { coverageArtifactName } from '../../../../main/engine/eval/coverage'
import { loadExperimentFile } from '../../../../main/engine/experiments/resolve'
import { runPromptSets } from '../../../../main/engine/store/run-prompt-sets'
import { readJsonArtifact } from '../../../../main/engine/store/json-artifacts'
import { tempDir } from '../../../helpers/temp-dir'

/**
 * A partial data set through the real engine (no training, the built-in tiny CLIP): SynthMotion
 * written to disk in the UCF101 layout, 3 classes × 3 videos, and in split 2's test list one video
 * deleted and one broken. Evaluated on split 2 the run ends `done` but says so: missing and broken
 * counted apart, a warning over `eval.warnUnusablePct`, the coverage stored. Evaluated with EP3 and
 * `skipBroken: false`, split 1 is stored and the run fails at split 2 with an error that says so.
 */
let dir: ReturnType<typeof tempDir>
let engine: Engine
let missingVideo: string
let brokenVideo: string
let tensorsBefore: number
const runs = { partial: 0, failing: 0 }

async function runFile(name: string, target: string): Promise<number> {
  const file = join(dir.path, `${name}.yaml`)
  writeFileSync(file, `name: ${name}\nmodel: { checkpoint: 'builtin:synth-clip' }\ntrain: { epochs: 0 }\neval:\n  - ${target}\n`)
  const id = engine.runs.launch(loadExperimentFile(file)).runs[0]!.id
  await engine.runs.runOnly([id])
  return id
}

const runLines = (id: number): string[] => engine.log.recent(1000).filter((e) => e.source === `run ${id}`).map((e) => e.message)

beforeAll(async () => {
  dir = tempDir('stdd-partial-')
  const world = buildSynthWorld({ seed: 0 })
  const classes = world.unseen.slice(0, 3).map((k) => world.classes[k]!)
  const root = join(dir.path, 'synth')
  await writeSynthDataset({ outDir: root, seed: 0, size: 32, frames: 16, perClass: 3, concurrency: 2, classIndices: classes.map((c) => c.index) })
  // split 2 tests video 1 of each class (…_g02_c01.avi)
  missingVideo = join(root, 'UCF-101', classes[0]!.folder, synthVideoName(classes[0]!, 1, 3))
  brokenVideo = join(root, 'UCF-101', classes[1]!.folder, synthVideoName(classes[1]!, 1, 3))
  rmSync(missingVideo)
  writeFileSync(brokenVideo, 'not a video any more')
  engine = await Engine.start({ dataDir: join(dir.path, 'data'), backend: 'wasm', runsInProcess: true })
  await engine.whenBackendReady()
  tensorsBefore = tf.memory().numTensors
  process.env.STDD_DATA_WORKERS = '0'
  runs.partial = await runFile('partial', `{ dataset: synthmotion, root: '${root}', split: 2, synth: { classes: unseen }, views: 1 }`)
  runs.failing = await runFile('failing', `{ dataset: ucf101, root: '${root}', protocol: ep3, views: 1, skipBroken: false }`)
}, 300_000)
afterAll(() => {
  delete process.env.STDD_DATA_WORKERS
  engine?.close()
  dir.remove()
})

describe('a partial data set', () => {
  it('ends done, with missing and broken videos counted apart, a warning, and the coverage stored', async () => {
    const run = await engine.invoke('runs.get', { id: runs.partial })
    expect(run.status).toBe('done')
    const m = run.lastMetrics
    expect([m['eval/synthmotion/unseen/listed'], m['eval/synthmotion/unseen/missing'], m['eval/synthmotion/unseen/broken'], m['eval/synthmotion/unseen/videos']]).toEqual([3, 1, 1, 1])
    expect(m['eval/synthmotion/unseen/unusable_pct']).toBeCloseTo(200 / 3, 10)
    const warning = runLines(runs.partial).filter((l) => l.startsWith('warning: '))
    expect(warning).toHaveLength(1)
    expect(warning[0]).toContain('1 of 3 listed videos missing on disk, 1 broken (66.7 % unusable), more than eval.warnUnusablePct = 5 %')
    const stored = readJsonArtifact(engine.db, runs.partial, coverageArtifactName('synthmotion/unseen/SynthMotion unseen classes, test list 2')) as { missingVideos: { video: string }[]; brokenVideos: { video: string; reason: string }[]; warning: boolean }
    expect(stored.warning).toBe(true)
    expect(stored.missingVideos.map((v) => v.video.split(' ')[0])).toEqual([missingVideo])
    expect(stored.brokenVideos.map((v) => v.video.split(' ')[0])).toEqual([brokenVideo])
    expect(stored.brokenVideos[0]!.reason).toContain('ffprobe cannot read the file')
  })

  it('keeps split 1 when split 2 fails, and the run fails naming both', async () => {
    const run = await engine.invoke('runs.get', { id: runs.failing })
    expect(run.status).toBe('failed')
    expect(run.error).toContain('evaluation ucf101/ep3 split 2 failed: ')
    expect(run.error).toContain(brokenVideo)
    expect(run.error).toContain('the 1 of 3 sets finished before it (split 1) are stored as eval/ucf101/ep3/<set>/…')
    const m = run.lastMetrics
    expect([m['eval/ucf101/ep3/split_1/listed'], m['eval/ucf101/ep3/split_1/videos'], m['eval/ucf101/ep3/split_1/missing'], m['eval/ucf101/ep3/split_1/broken']]).toEqual([3, 3, 0, 0])
    expect(m['eval/ucf101/ep3/split_1/top1']).toEqual(expect.any(Number))
    // Each set's prompt set is recorded, not only the run's first.
    expect(runPromptSets(engine.db, [runs.failing]).map((p) => p.setKey)).toEqual(['ucf101/ep3/split 1', 'ucf101/ep3/split 2'])
    expect(Object.keys(m).filter((k) => k.startsWith('eval/ucf101/ep3/split_2') || k === 'eval/ucf101/ep3/top1')).toEqual([])
    expect(tf.memory().numTensors).toBe(tensorsBefore)
  })
})
