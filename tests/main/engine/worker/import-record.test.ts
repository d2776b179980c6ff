import { appendFileSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { recordingOutput } from '../../../../main/engine/runs/run-output'
import { openDatabase, type Db } from '../../../../main/engine/store/db'
import { createExperiment } from '../../../../main/engine/store/experiments'
import { listMetrics } from '../../../../main/engine/store/metrics'
import { runKey } from '../../../../main/engine/store/run-records'
import { createRun, getRunSummary } from '../../../../main/engine/store/runs'
import { buildPromptSet } from '../../../../main/engine/text/prompts/build'
import { importRunRecord } from '../../../../main/engine/worker/import-record'
import { RECORD_FILE } from '../../../../main/engine/worker/record'
import { RecordWriter } from '../../../../main/engine/worker/record-file'
import { tempDir } from '../../../helpers/temp-dir'

let dir: ReturnType<typeof tempDir>
let db: Db
let runId: number
let key: string

beforeEach(() => {
  dir = tempDir('stdd-record-')
  db = openDatabase({ path: join(dir.path, 'stdd.sqlite') })
  runId = createRun(db, { experimentId: createExperiment(db, { name: 'e' }).id, name: 'r', config: {}, configDiff: {}, seed: 0 }).id
  key = runKey(db, runId)
})
afterEach(() => {
  db.close()
  dir.remove()
})

/** Every table a record writes, as rows. */
function snapshot(): unknown {
  const all = (sql: string) => db.prepare(sql).all(runId)
  return {
    metrics: all('SELECT name, step, epoch, value FROM metrics WHERE run_id = ? ORDER BY name, step'),
    artifacts: all('SELECT kind, name, step, path, hex(blob) AS blob, meta_json FROM artifacts WHERE run_id = ? ORDER BY id'),
    classes: all('SELECT eval_key, class_index, correct, confusion_json FROM class_results WHERE run_id = ? ORDER BY class_index'),
    predictions: all('SELECT eval_key, video_index, predicted, top5_json FROM video_predictions WHERE run_id = ? ORDER BY video_index'),
    run: all('SELECT status, error, backend, gemm, prompt_set_id FROM runs WHERE id = ?'),
    promptSets: db.prepare('SELECT hash FROM prompt_sets').all(),
  }
}

function writeWholeRun(): void {
  const writer = RecordWriter.open(dir.path, key)
  const out = recordingOutput(writer)
  const set = buildPromptSet([{ index: 0, name: 'jump', key: 'jump', graph: { label: 'jump', objects: [], subActions: [], objectRelations: [], actionObjectRelations: [], actionRelations: [], clauses: { oo: [], ao: [], aa: [] } }, provenance: { source: 'built-in', createdAt: new Date(0).toISOString() } }], { kind: 'c', style: 'dataset', dataset: 'ucf101', pad: true })
  writer.append({ type: 'start', attempt: 1, pid: 1, host: 'h', backend: 'wasm', gemm: 'blas' })
  out.metrics(1, 0.5, { 'train/loss': 0.9 })
  out.metrics(2, 1, { 'train/loss': 0.7 })
  out.promptSet(null, set)
  out.usesPromptSet('k/set', set.hash)
  out.removeArtifacts('other', 'k/set:')
  out.artifact({ kind: 'other', name: 'k/set:v0', step: 2, blob: new Uint8Array([1, 2, 3, 250]), mime: 'image/png', meta: { promptSetHash: set.hash } })
  out.artifact({ kind: 'checkpoint', name: 'epoch 1', step: 2, epoch: 1, path: '/runs/1/checkpoints/epoch-0001' })
  out.classResults('k/set', [{ classIndex: 0, className: 'jump', correct: 1, top5Correct: 1, total: 2, confusion: { 0: 1, 1: 1 } }])
  out.predictions('k/set', [{ videoIndex: 0, video: 'v0', trueClass: 0, predicted: 0, top5: [{ classIndex: 0, score: 3 }], trueScore: 3, partnerClass: null, partnerScore: null }])
  writer.append({ type: 'end', status: 'done', error: null })
  writer.close()
}

describe('importing a worker record', () => {
  it('stores every kind of result, and importing again changes nothing', () => {
    writeWholeRun()
    const applied = importRunRecord(db, dir.path, { runId, runKey: key })
    expect(applied.map((r) => r.seq)).toEqual(Array.from({ length: 11 }, (_, i) => i + 1))
    const first = snapshot()
    expect(first).toMatchObject({ run: [{ status: 'done', error: null, backend: 'wasm', gemm: 'blas', prompt_set_id: expect.any(Number) }], predictions: [{ predicted: 0 }] })
    expect((first as { artifacts: { blob: string }[] }).artifacts[0]!.blob).toBe('010203FA')
    expect(importRunRecord(db, dir.path, { runId, runKey: key })).toEqual([])
    expect(snapshot()).toEqual(first)
    // Even from the start of the file (a lost position): the sequence numbers skip what is in.
    db.prepare('UPDATE run_records SET offset = 0').run()
    expect(importRunRecord(db, dir.path, { runId, runKey: key })).toEqual([])
    expect(snapshot()).toEqual(first)
  })

  it('records the backend and GEMM provider a run computed with; a record from before the provider was recorded leaves it empty', () => {
    const writer = RecordWriter.open(dir.path, key)
    writer.append({ type: 'start', attempt: 1, pid: 1, host: 'h', backend: 'wasm' })
    writer.close()
    importRunRecord(db, dir.path, { runId, runKey: key })
    expect(db.prepare('SELECT backend, gemm FROM runs WHERE id = ?').get(runId)).toEqual({ backend: 'wasm', gemm: null })
    const again = RecordWriter.open(dir.path, key)
    again.append({ type: 'start', attempt: 2, pid: 1, host: 'h', backend: 'wasm', gemm: 'wasm' })
    again.close()
    importRunRecord(db, dir.path, { runId, runKey: key })
    expect(db.prepare('SELECT backend, gemm FROM runs WHERE id = ?').get(runId)).toEqual({ backend: 'wasm', gemm: 'wasm' })
  })

  it('ignores a last line cut by a crash; the next worker truncates it and continues the sequence', () => {
    const writer = RecordWriter.open(dir.path, key)
    recordingOutput(writer).metrics(1, null, { loss: 1 })
    writer.close()
    appendFileSync(join(dir.path, RECORD_FILE), '{"seq":2,"runKey":"' + key + '","type":"metr')
    expect(importRunRecord(db, dir.path, { runId, runKey: key }).map((r) => r.seq)).toEqual([1])
    const next = RecordWriter.open(dir.path, key)
    recordingOutput(next).metrics(2, null, { loss: 0.5 })
    next.close()
    expect(readFileSync(join(dir.path, RECORD_FILE), 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { seq: number }).seq)).toEqual([1, 2])
    expect(importRunRecord(db, dir.path, { runId, runKey: key }).map((r) => r.seq)).toEqual([2])
    expect(listMetrics(db, runId).map((p) => p.value)).toEqual([1, 0.5])
  })

  it('stores each metric point with the time the worker recorded it', () => {
    const writer = RecordWriter.open(dir.path, key)
    recordingOutput(writer).metrics(1, null, { loss: 1 })
    writer.close()
    const at = (JSON.parse(readFileSync(join(dir.path, RECORD_FILE), 'utf8').split('\n')[0]!) as { at: string }).at
    importRunRecord(db, dir.path, { runId, runKey: key })
    expect(listMetrics(db, runId)).toEqual([{ runId, step: 1, epoch: null, name: 'loss', value: 1, time: at }])
  })

  it('refuses records of another run key, and a writer refuses another run\'s folder', () => {
    const other = '00000000-0000-4000-8000-000000000000'
    writeFileSync(join(dir.path, RECORD_FILE), JSON.stringify({ seq: 1, runKey: other, at: '', type: 'end', status: 'done', error: null }) + '\n')
    expect(() => importRunRecord(db, dir.path, { runId, runKey: key })).toThrow(`record 1 belongs to run key ${other}, not to run ${runId}`)
    expect(getRunSummary(db, runId).status).toBe('queued')
    expect(() => RecordWriter.open(dir.path, key)).toThrow(/the folder belongs to another run/)
  })

  it('a record file replaced under its importer (another data folder moved into place) is read from its start: the other run is named, never "line 1 is not JSON"', () => {
    const writer = RecordWriter.open(dir.path, key)
    recordingOutput(writer).metrics(1, null, { loss: 1 })
    writer.close()
    expect(importRunRecord(db, dir.path, { runId, runKey: key })).toHaveLength(1)
    const { offset } = db.prepare('SELECT offset FROM run_records WHERE run_id = ?').get(runId) as { offset: number }
    // The other folder's run 1: its first line is longer than the position kept, which falls inside it.
    const other = '00000000-0000-4000-8000-000000000000'
    const line = JSON.stringify({ seq: 1, runKey: other, at: '', type: 'log', level: 'info', message: `small blue ${'x'.repeat(offset)}` })
    writeFileSync(join(dir.path, RECORD_FILE), `${line}\n${JSON.stringify({ seq: 2, runKey: other, at: '', type: 'end', status: 'done', error: null })}\n`)
    expect(line.length).toBeGreaterThan(offset)
    expect(() => importRunRecord(db, dir.path, { runId, runKey: key })).toThrow(`record 2 belongs to run key ${other}, not to run ${runId} (${key}); the folder is not this run's`)
    expect(getRunSummary(db, runId).status).toBe('queued')
  })

  it('refuses a record type it does not know, naming it, and imports nothing of that batch', () => {
    const writer = RecordWriter.open(dir.path, key)
    recordingOutput(writer).metrics(1, null, { loss: 1 })
    writer.close()
    appendFileSync(join(dir.path, RECORD_FILE), JSON.stringify({ seq: 2, runKey: key, at: '', type: 'hologram' }) + '\n')
    expect(() => importRunRecord(db, dir.path, { runId, runKey: key })).toThrow('record 2 of run 1 has the unknown type "hologram"')
    expect(listMetrics(db, runId)).toEqual([])
  })
})
