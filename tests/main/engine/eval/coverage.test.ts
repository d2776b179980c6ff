import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { coverageArtifactName, coverageMessage, coverageMetrics, isOverThreshold, pooled, unusablePct, type SetCoverage } from '../../../../main/engine/eval/coverage'
import { recordSetOutcome, setFailure, setMetrics, targetMetrics, type SetOutcome } from '../../../../main/engine/eval/set-results'
import { ExperimentConfig } from '../../../../main/engine/experiments/schema'
import { RunCancelled, type RunContext } from '../../../../main/engine/runs/executor'
import { openDatabase, type Db } from '../../../../main/engine/store/db'
import { createExperiment } from '../../../../main/engine/store/experiments'
import { readJsonArtifact } from '../../../../main/engine/store/json-artifacts'
import { listMetrics } from '../../../../main/engine/store/metrics'
import { createRun } from '../../../../main/engine/store/runs'
import { recordedRun } from '../../../helpers/recorded-run'
import { tempDir } from '../../../helpers/temp-dir'

const videos = (n: number, what: string) => Array.from({ length: n }, (_, i) => ({ video: `/data/${what}${i}.avi (list.txt:${i + 1})`, reason: what === 'gone' ? 'not on disk' : 'ffprobe cannot read the file' }))
const coverage = (listed: number, missing: number, broken: number): SetCoverage => ({ listed, missing: videos(missing, 'gone'), broken: videos(broken, 'bad') })

describe('coverage of an evaluation set', () => {
  it('counts missing and broken apart and warns only strictly above the threshold', () => {
    const c = coverage(40, 1, 1)
    expect(unusablePct(c)).toBe(5)
    expect(isOverThreshold(c, 5)).toBe(false)
    expect(isOverThreshold(coverage(40, 2, 1), 5)).toBe(true)
    expect(coverageMetrics('eval/k', c)).toEqual({ 'eval/k/listed': 40, 'eval/k/missing': 1, 'eval/k/broken': 1, 'eval/k/skipped': 2, 'eval/k/unusable_pct': 5 })
    expect(coverageMessage('k400/full', c, 5)).toBe('k400/full: 1 of 40 listed videos missing on disk, 1 broken (5.0 % unusable)')
    expect(coverageMessage('k400/full', coverage(40, 0, 0), 5)).toBeNull()
    // 97 % of the videos missing: the warning names the threshold key and the first videos
    const partial = coverageMessage('ucf101/ep2', coverage(100, 97, 0), 5)!
    expect(partial).toMatch(/^warning: ucf101\/ep2: 97 of 100 listed videos missing on disk, 0 broken \(97\.0 % unusable\), more than eval\.warnUnusablePct = 5 %/)
    expect(partial).toContain('missing /data/gone0.avi (list.txt:1); missing /data/gone1.avi (list.txt:2); missing /data/gone2.avi (list.txt:3)')
    expect(pooled([coverage(10, 1, 0), coverage(30, 0, 2)])).toMatchObject({ listed: 40 })
    expect(unusablePct(pooled([coverage(10, 1, 0), coverage(30, 0, 2)]))).toBe(7.5)
  })
})

describe('storing a target set by set', () => {
  let dir: ReturnType<typeof tempDir>
  let db: Db
  let ctx: RunContext
  let run: ReturnType<typeof recordedRun>
  let lines: string[]
  beforeEach(() => {
    dir = tempDir('stdd-coverage-')
    db = openDatabase({ path: join(dir.path, 'stdd.sqlite') })
    const exp = createExperiment(db, { name: 'e' })
    const created = createRun(db, { experimentId: exp.id, name: 'r', config: {}, configDiff: {}, seed: 0 })
    lines = []
    ;({ ctx } = run = recordedRun(db, created.id, dir.path, ExperimentConfig.parse({ name: 'r' }), (m) => lines.push(m)))
  })
  afterEach(() => {
    run.close()
    db.close()
    dir.remove()
  })

  const outcome = (name: string, top1: number, c: SetCoverage): SetOutcome => ({ name, top1, top5: top1 + 10, videos: c.listed - c.missing.length - c.broken.length, coverage: c, pairAccuracy: null })

  it('keeps the subsets finished before a failing one, and says so in the error', () => {
    const done = [outcome('subset 0', 50, coverage(20, 0, 0)), outcome('subset 1', 60, coverage(20, 2, 0)), outcome('subset 2', 70, coverage(20, 0, 1))]
    for (const o of done) recordSetOutcome(ctx, 7, 'ucf101/ep1', o, true, 5)
    run.importRecord()
    const err = setFailure('ucf101/ep1', 'subset 3', done, 10, new Error('/data/x.avi: ffprobe cannot read the file'))
    expect(err.message).toBe('evaluation ucf101/ep1 subset 3 failed: /data/x.avi: ffprobe cannot read the file; the 3 of 10 sets finished before it (subset 0, subset 1, subset 2) are stored as eval/ucf101/ep1/<set>/…, the target\'s mean is not')
    const stored = Object.fromEntries(listMetrics(db, ctx.runId).map((p) => [p.name, p.value]))
    expect(stored['eval/ucf101/ep1/subset_0/top1']).toBe(50)
    expect(stored['eval/ucf101/ep1/subset_1/missing']).toBe(2)
    expect(stored['eval/ucf101/ep1/subset_2/broken']).toBe(1)
    expect(stored['eval/ucf101/ep1/top1']).toBeUndefined()
    expect(Object.keys(stored).filter((k) => k.includes('subset_3'))).toEqual([])
    expect(readJsonArtifact(db, ctx.runId, coverageArtifactName('ucf101/ep1/subset 1'))).toMatchObject({ listed: 20, missing: 2, broken: 0, unusablePct: 10, warnUnusablePct: 5, warning: true, missingVideos: videos(2, 'gone') })
    expect(lines).toContain('ucf101/ep1 subset 1: top-1 60.00 %, top-5 70.00 % over 18 videos')
    expect(lines.filter((l) => l.startsWith('warning: ucf101/ep1 subset 1: 2 of 20 listed videos missing on disk, 0 broken (10.0 % unusable)'))).toHaveLength(1)
    expect(lines.filter((l) => l.startsWith('ucf101/ep1 subset 2: 0 of 20 listed videos missing on disk, 1 broken (5.0 % unusable)'))).toHaveLength(1)
  })

  it('stores the mean ± sample std and the pooled coverage once every set is done; a cancel passes through', () => {
    const all = [outcome('split 1', 50, coverage(10, 1, 0)), outcome('split 2', 60, coverage(10, 0, 0)), outcome('split 3', 70, coverage(20, 0, 2))]
    const values = targetMetrics('hmdb51/ep3', all)
    expect(values).toEqual({
      'eval/hmdb51/ep3/top1': 60,
      'eval/hmdb51/ep3/top5': 70,
      'eval/hmdb51/ep3/top1_std': 10,
      'eval/hmdb51/ep3/n': 3,
      'eval/hmdb51/ep3/videos': 9 + 10 + 18,
      'eval/hmdb51/ep3/listed': 40,
      'eval/hmdb51/ep3/missing': 1,
      'eval/hmdb51/ep3/broken': 2,
      'eval/hmdb51/ep3/skipped': 3,
      'eval/hmdb51/ep3/unusable_pct': 7.5,
    })
    expect(setMetrics('k400/full', outcome('val', 40, coverage(5, 0, 0)), false)).toEqual({})
    const cancelled = new RunCancelled()
    expect(setFailure('hmdb51/ep3', 'split 2', all.slice(0, 1), 3, cancelled)).toBe(cancelled)
    expect(setFailure('k400/full', 'val', [], 1, new Error('boom')).message).toBe('evaluation k400/full val failed: boom')
  })
})
