import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { confusionMatrix, perClassTable } from '../../../../main/engine/eval/per-class'
import { classResultKeys, classResults } from '../../../../main/engine/store/class-queries'
import { saveClassResults } from '../../../../main/engine/store/class-results'
import { openDatabase, type Db } from '../../../../main/engine/store/db'
import { createExperiment } from '../../../../main/engine/store/experiments'
import { listPredictions, savePredictions, type VideoPrediction } from '../../../../main/engine/store/predictions'
import { createRun } from '../../../../main/engine/store/runs'

let db: Db
let runs: number[]
const KEY = 'synthmotion/unseen/unseen classes'

beforeEach(() => {
  db = openDatabase({ path: ':memory:' })
  const e = createExperiment(db, { name: 'e', description: '' })
  runs = ['base', 'new'].map((name) => createRun(db, { experimentId: e.id, name, config: {}, configDiff: {}, seed: 0 }).id)
})
afterEach(() => db.close())

const prediction = (videoIndex: number, trueClass: number, predicted: number): VideoPrediction => ({
  videoIndex,
  video: `v${videoIndex}`,
  trueClass,
  predicted,
  top5: [{ classIndex: predicted, score: 2 }],
  trueScore: predicted === trueClass ? 2 : 1,
  partnerClass: null,
  partnerScore: null,
})

describe('per-video predictions', () => {
  it('lists one confusion cell’s videos in evaluation order, and a re-evaluation replaces the key’s rows', () => {
    savePredictions(db, runs[0]!, KEY, [prediction(0, 1, 0), prediction(1, 1, 1), prediction(2, 1, 0)])
    expect(listPredictions(db, runs[0]!, KEY, { trueClass: 1, predicted: 0, limit: 10 }).map((p) => p.video)).toEqual(['v0', 'v2'])
    savePredictions(db, runs[0]!, KEY, [prediction(0, 1, 1)])
    expect(listPredictions(db, runs[0]!, KEY, { limit: 10 })).toEqual([prediction(0, 1, 1)])
    expect(listPredictions(db, runs[1]!, KEY, { limit: 10 })).toEqual([])
  })
})

describe('per-class tables', () => {
  beforeEach(() => {
    // base: a 1/4, b 4/4; new: a 3/4, b 2/4.
    saveClassResults(db, runs[0]!, KEY, [
      { classIndex: 0, className: 'a', correct: 1, top5Correct: 4, total: 4, confusion: { 0: 1, 1: 3 } },
      { classIndex: 1, className: 'b', correct: 4, top5Correct: 4, total: 4, confusion: { 1: 4 } },
    ])
    saveClassResults(db, runs[1]!, KEY, [
      { classIndex: 0, className: 'a', correct: 3, top5Correct: 4, total: 4, confusion: { 0: 3, 1: 1 } },
      { classIndex: 1, className: 'b', correct: 2, top5Correct: 4, total: 4, confusion: { 0: 2, 1: 2 } },
    ])
  })

  it('gives each class’s accuracy per run and its delta against the baseline', () => {
    expect(classResultKeys(db, runs)).toEqual([{ key: KEY, runIds: runs }])
    const cols = runs.map((id, i) => ({ id, name: ['base', 'new'][i]!, experimentName: 'e' }))
    const t = perClassTable(KEY, cols, classResults(db, runs, KEY), runs[0]!)
    expect(t.runs.map((r) => r.accuracy)).toEqual([62.5, 62.5])
    expect(t.classes.map((c) => c.cells.map((x) => [x!.accuracy, x!.delta]))).toEqual([
      [[25, null], [75, 50]],
      [[100, null], [50, -50]],
    ])
    const none = perClassTable(KEY, [...cols, { id: 99, name: 'x', experimentName: 'e' }], classResults(db, runs, KEY), null)
    expect(none.missingRunIds).toEqual([99])
    expect(none.classes[0]!.cells.map((c) => c!.delta)).toEqual([null, null])
  })

  it('makes the stored sparse confusion counts a dense matrix', () => {
    expect(confusionMatrix(runs[1]!, KEY, classResults(db, runs, KEY))).toEqual({ runId: runs[1], evalKey: KEY, classes: ['a', 'b'], counts: [[3, 1], [2, 2]] })
  })
})
