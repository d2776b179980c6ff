import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ContractError, decodeMap } from '../../../../contract'
import { Engine } from '../../../../main/engine/engine'
import { buildPivot } from '../../../../main/engine/export/pivot'
import { addArtifact, removeArtifacts } from '../../../../main/engine/store/artifacts'
import { getPromptSet } from '../../../../main/engine/store/prompt-sets'
import { tempDir } from '../../../helpers/temp-dir'
import { writeTinyExperiment } from '../train/tiny-experiment'

/**
 * Evaluation-time capture and "evaluate again", through the real engine: a tiny STDD trained on
 * SynthMotion, then its checkpoint evaluated again without training.
 */

let dir: ReturnType<typeof tempDir>
let engine: Engine
let runId: number
let tensorsBefore: number
const KEY = 'synthmotion/unseen/unseen classes'

beforeAll(async () => {
  dir = tempDir()
  engine = await Engine.start({ dataDir: dir.path, backend: 'wasm', runsInProcess: true })
  await engine.whenBackendReady()
  tensorsBefore = tf.memory().numTensors
  const launched = await engine.invoke('runs.launch', { file: writeTinyExperiment(mkdirSync(join(dir.path, 'experiments'), { recursive: true })!, 'tiny-analysis') })
  runId = launched.runs[0]!.id
  await engine.runs.runOnly([runId])
}, 300_000)
afterAll(() => {
  engine.close()
  dir.remove()
})

const bytesOf = async (id: number) => Buffer.from((await engine.invoke('artifacts.read', { id })).base64, 'base64')

describe('evaluation-time capture', () => {
  it('stores every video’s top-5, consistent with the stored confusion counts', async () => {
    const confusion = await engine.invoke('analysis.confusion', { runId, evalKey: KEY })
    expect(confusion.classes).toHaveLength(8)
    const videos = await engine.invoke('analysis.videos', { runId, evalKey: KEY })
    expect(videos).toHaveLength(8) // 8 unseen classes × 1 video
    const counted = confusion.classes.map(() => new Array<number>(8).fill(0))
    for (const v of videos) {
      expect(v.top5).toHaveLength(5)
      for (let i = 1; i < 5; i++) expect(v.top5[i - 1]!.score).toBeGreaterThanOrEqual(v.top5[i]!.score)
      expect(v.predicted).toBe(v.top5[0]!.classIndex)
      expect(v.predictedName).toBe(confusion.classes[v.predicted])
      expect(v.trueClassName).toBe(confusion.classes[v.trueClass])
      counted[v.trueClass]![v.predicted]!++
    }
    expect(counted).toEqual(confusion.counts)
    // One confusion cell's videos are exactly those with that (true, predicted) pair.
    const first = videos[0]!
    const cell = await engine.invoke('analysis.videos', { runId, evalKey: KEY, trueClass: first.trueClass, predicted: first.predicted })
    expect(cell.map((v) => v.video)).toEqual(videos.filter((v) => v.trueClass === first.trueClass && v.predicted === first.predicted).map((v) => v.video))
  })

  it('marks SynthMotion’s order-only pairs, agreeing with the run’s pair accuracy', async () => {
    const videos = await engine.invoke('analysis.videos', { runId, evalKey: KEY })
    const paired = videos.filter((v) => v.orderPair !== null)
    expect(paired.length).toBeGreaterThan(0)
    for (const v of paired) expect(v.orderPair!.toldApart).toBe(v.orderPair!.trueScore > v.orderPair!.partnerScore)
    const run = await engine.invoke('runs.get', { id: runId })
    expect((100 * paired.filter((v) => v.orderPair!.toldApart).length) / paired.length).toBeCloseTo(run.lastMetrics['eval/synthmotion/unseen/pair_acc']!, 6)
  })

  it('keeps the frames (a PNG strip, the list’s thumbnail), attention and frame × prompt scores of every video', async () => {
    const list = await engine.invoke('maps.videos', { runIds: [runId] })
    expect(list).toHaveLength(8)
    expect(new Set(list.map((v) => v.label)).size).toBe(8)
    const maps = await engine.invoke('maps.get', { runId, evalKey: list[0]!.evalKey, video: list[0]!.video })
    expect(maps.evalKey).toBe(KEY)
    expect(maps.frames).toMatchObject({ count: 8, width: 64, height: 64 })
    const png = await bytesOf(maps.frames!.artifactId)
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG')
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([8 * 64, 64])
    const listed = (await engine.invoke('analysis.videos', { runId, evalKey: KEY })).find((v) => v.video === maps.video)!
    expect(listed.thumbnail).toEqual({ artifactId: maps.frames!.artifactId, frames: 8 })
    expect(maps.attention!.encoding.dtype).toBe('uint8')
    const attention = decodeMap(new Uint8Array(await bytesOf(maps.attention!.artifactId)), maps.attention!.encoding, maps.attention!.frames * maps.attention!.grid ** 2)
    for (const a of attention) expect(a).toBeGreaterThanOrEqual(0)
    const scores = maps.scores!
    expect(scores.encoding).toEqual({ dtype: 'float16' })
    expect(scores.classIndices[0]).toBe(maps.label)
    expect(scores.classIndices).toContain(maps.predicted)
    const names = (await engine.invoke('analysis.confusion', { runId, evalKey: KEY })).classes
    expect(scores.classes).toEqual(scores.classIndices.map((k) => names[k]))
    const m = scores.prompts[0]!.length
    const values = decodeMap(new Uint8Array(await bytesOf(scores.artifactId)), scores.encoding, scores.frames * scores.classIndices.length * m)
    const promptSetId = (engine.db.prepare('SELECT prompt_set_id AS id FROM runs WHERE id = ?').get(runId) as { id: number }).id
    const set = getPromptSet(engine.db, promptSetId).set
    const predictedColumn = scores.classIndices.indexOf(maps.predicted)
    expect(scores.prompts[predictedColumn]).toEqual(set.classes[maps.predicted]!.prompts)
    // The built-in graph's prompts: [C] first, then spatial and temporal clauses, each recognised.
    expect(scores.kinds[0]![0]).toBe('C')
    expect(new Set(scores.kinds.flat())).toEqual(new Set(['C', 'S', 'T']))
    for (const v of values) expect(Number.isFinite(v)).toBe(true)
  })

  it('still reads maps stored before they were compacted (float32, every class)', async () => {
    const list = await engine.invoke('maps.videos', { runIds: [runId] })
    const kept = await engine.invoke('maps.get', { runId, evalKey: list[0]!.evalKey, video: list[0]!.video })
    const [frames, k, m] = [8, 8, kept.scores!.prompts[0]!.length]
    const meta = { video: 'old video', label: 2, className: 'x', predicted: 3, view: 0, promptSetHash: (engine.db.prepare('SELECT p.hash FROM runs r JOIN prompt_sets p ON p.id = r.prompt_set_id WHERE r.id = ?').get(runId) as { hash: string }).hash }
    addArtifact(engine.db, { runId, kind: 'score_map', name: `${KEY}:old video`, blob: new Uint8Array(new Float32Array(frames * k * m).fill(1.5).buffer), mime: 'application/x-float32', meta: { ...meta, shape: [frames, k, m] } })
    addArtifact(engine.db, { runId, kind: 'attention_map', name: `${KEY}:old video`, blob: new Uint8Array(new Float32Array(frames * 16).buffer), mime: 'application/x-float32', meta: { ...meta, shape: [frames, 4, 4] } })
    const old = await engine.invoke('maps.get', { runId, evalKey: KEY, video: 'old video' })
    expect(old.scores).toMatchObject({ encoding: { dtype: 'float32' }, classIndices: [0, 1, 2, 3, 4, 5, 6, 7] })
    expect(old.attention).toMatchObject({ encoding: { dtype: 'float32' }, frames: 8, grid: 4 })
    expect(decodeMap(new Uint8Array(await bytesOf(old.scores!.artifactId)), old.scores!.encoding, frames * k * m)[5]).toBe(1.5)
    removeArtifacts(engine.db, runId, 'score_map', `${KEY}:old video`)
    removeArtifacts(engine.db, runId, 'attention_map', `${KEY}:old video`)
  })

  it('builds the class × run table with deltas against a baseline', async () => {
    const table = await engine.invoke('analysis.perClass', { runIds: [runId], evalKey: KEY, baselineRunId: runId })
    expect(table.classes).toHaveLength(8)
    for (const c of table.classes) expect(c.cells[0]).toMatchObject({ total: 1, accuracy: 100 * c.cells[0]!.correct, delta: null })
    const run = await engine.invoke('runs.get', { id: runId })
    expect(table.runs[0]!.accuracy).toBeCloseTo(run.lastMetrics['eval/synthmotion/unseen/top1']!, 6)
  })
})

describe('runs.evaluate (evaluate again, without training)', () => {
  let again: number
  let otherText: number
  let firstEpoch: number

  beforeAll(async () => {
    again = (await engine.invoke('runs.evaluate', { runId })).id
    otherText = (await engine.invoke('runs.evaluate', { runId, checkpoint: 1, text: { promptSet: 'c' }, evals: [{ dataset: 'synthmotion', views: 1, synth: { videosPerClass: 2 } }] })).id
    firstEpoch = (await engine.invoke('runs.evaluate', { runId, checkpoint: 1 })).id
    await engine.runs.runOnly([again, otherText, firstEpoch])
  }, 300_000)

  it('re-evaluating the final checkpoint reproduces the source run’s per-video scores (its weights were loaded, nothing trained)', async () => {
    const run = await engine.invoke('runs.get', { id: again })
    expect(run.error).toBeNull()
    expect(run.status).toBe('done')
    expect(run.experimentId).toBe((await engine.invoke('runs.get', { id: runId })).experimentId)
    expect((run.config as { train: { epochs: number } }).train.epochs).toBe(0)
    expect(Object.keys(run.lastMetrics).filter((k) => k.startsWith('train/'))).toEqual([])
    const source = await engine.invoke('analysis.videos', { runId, evalKey: KEY })
    const mine = await engine.invoke('analysis.videos', { runId: again, evalKey: KEY })
    expect(mine.map((v) => v.video)).toEqual(source.map((v) => v.video))
    mine.forEach((v, i) => {
      expect(v.top5.map((t) => t.classIndex)).toEqual(source[i]!.top5.map((t) => t.classIndex))
      v.top5.forEach((t, j) => expect(t.score).toBeCloseTo(source[i]!.top5[j]!.score, 4))
    })
    // The checkpoint chosen is the one loaded: epoch 1's weights score the same videos differently.
    const epoch1 = await engine.invoke('analysis.videos', { runId: firstEpoch, evalKey: KEY })
    expect(Math.max(...epoch1.map((v, i) => Math.abs(v.top5[0]!.score - mine[i]!.top5[0]!.score)))).toBeGreaterThan(1e-5)
    const log = (await engine.invoke('logs.recent', { limit: 1000 })).map((e) => e.message)
    expect(log).toContain(`evaluating run ${runId}'s checkpoint of epoch 2`)
    expect(log).toContain(`evaluating run ${runId}'s checkpoint of epoch 1`)
    expect(engine.db.prepare('SELECT source_run_id AS s, source_checkpoint AS c FROM runs WHERE id = ?').get(again)).toEqual({ s: runId, c: 'final' })
    expect(tf.memory().numTensors).toBe(tensorsBefore)
  })

  it('evaluates an epoch checkpoint with another prompt set and evaluation set, landing in the experiment’s pivot', async () => {
    const run = await engine.invoke('runs.get', { id: otherText })
    expect(run.status).toBe('done')
    expect(run.name).toBe('[eval synthmotion/unseen; prompts c; epoch 1]')
    expect(run.lastMetrics['eval/synthmotion/unseen/videos']).toBe(16)
    // Maps of every video, not only the first of each class.
    expect(await engine.invoke('maps.videos', { runIds: [otherText] })).toHaveLength(16)
    const kind = engine.db.prepare('SELECT p.kind FROM runs r JOIN prompt_sets p ON p.id = r.prompt_set_id WHERE r.id = ?').get(otherText) as { kind: string }
    expect(kind.kind).toBe('c')
    const pivot = buildPivot(engine.db, ['tiny-analysis'])
    const row = pivot.rows.find((r) => r.runIds.includes(otherText))!
    expect(row.label).toBe('[eval synthmotion/unseen; prompts c; epoch 1]')
    expect(row.cells['synthmotion/unseen']!.metrics.top1!.mean).toBeCloseTo(run.lastMetrics['eval/synthmotion/unseen/top1']!, 6)
  })

  it('evaluating an evaluation-only run again evaluates the checkpoint it evaluated', async () => {
    const chained = (await engine.invoke('runs.evaluate', { runId: firstEpoch, text: { promptSet: 't' } })).id
    expect(engine.db.prepare('SELECT source_run_id AS s, source_checkpoint AS c FROM runs WHERE id = ?').get(chained)).toEqual({ s: runId, c: '1' })
    await engine.invoke('runs.cancel', { id: chained })
  })

  it('refuses a checkpoint the run does not have, and eval targets that do not validate, naming the fix', async () => {
    await expect(engine.invoke('runs.evaluate', { runId, checkpoint: 7 })).rejects.toThrow(/no checkpoint of epoch 7 \(it has 1, 2\)/)
    await expect(engine.invoke('runs.evaluate', { runId, evals: [{ dataset: 'ucf999' }] })).rejects.toThrow(ContractError)
    await expect(engine.invoke('runs.evaluate', { runId, evals: [{ dataset: 'ucf999' }] })).rejects.toThrow(/evals\.0\.dataset must be one of/)
  })
})
