import { readFileSync, renameSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Engine } from '../../../../main/engine/engine'
import { resolveExperiment } from '../../../../main/engine/experiments/resolve'
import type { RunContext, RunExecutor } from '../../../../main/engine/runs/executor'
import { listMetrics } from '../../../../main/engine/store/metrics'
import { getRunSummary } from '../../../../main/engine/store/runs'
import { tempDir } from '../../../helpers/temp-dir'

// The lead's observation (issue 20): a `stdd run` on data folder D printed "run 1: its results could not be
// imported: D/runs/1/record.jsonl: record line 1 is not JSON" and "run 1 ended (failed) but that could not be
// recorded: … attempt to write a readonly database", while D's database said run 1 was done. Reproduced by another
// data folder (with its own finished run 1) moved into D's place while the engine on D runs its run 1: the engine's
// database is no longer the file at its path (it turns read-only, issue 19 F7), and D/runs/1 is the other
// folder's, read at this engine's import position (mid-line).

const experiment = resolveExperiment({ name: 'smoke' }, 'smoke.yaml', '/tmp')
const steps = (ctx: RunContext, from: number, to: number): void => {
  for (let step = from; step <= to; step++) ctx.out.metrics(step, step, { 'train/loss': 1 / step, 'train/long-name-of-a-metric-that-pads-the-record-lines': step })
}

describe('a data folder moved into the place of the one an engine runs on', () => {
  let root: ReturnType<typeof tempDir>
  beforeEach(() => {
    root = tempDir('stdd-db-replaced-')
  })
  afterEach(() => root.remove())

  it('is noticed: nothing more is imported or retried, the log says why once, and neither folder loses anything', async () => {
    const D = join(root.path, 'D')
    const other = join(root.path, 'other')
    // The other folder's run 1, finished (longer record lines, so the position below falls inside one).
    const first = await Engine.start({ dataDir: other, withoutTf: true, executor: { execute: async (ctx) => steps(ctx, 1, 40) } })
    const [otherRun] = first.runs.launch(experiment).runs.map((r) => r.id)
    await first.runs.runOnly([otherRun!])
    expect(getRunSummary(first.db, otherRun!).status).toBe('done')
    first.close()

    const swapped: RunExecutor = {
      async execute(ctx) {
        ctx.out.metrics(1, 1, { 'train/loss': 1 })
        await new Promise((r) => setTimeout(r, 400)) // imported: this engine keeps a position in its record
        renameSync(D, join(root.path, 'D.moved'))
        renameSync(other, D)
        steps(ctx, 2, 5)
      },
    }
    const engine = await Engine.start({ dataDir: D, withoutTf: true, executor: swapped })
    const errors: string[] = []
    engine.subscribe((event, payload) => {
      if (event === 'log' && (payload as { level: string }).level === 'error') errors.push((payload as { message: string }).message)
    })
    const [id] = engine.runs.launch(experiment).runs.map((r) => r.id)
    expect(id).toBe(1)
    await engine.runs.runOnly([id!]) // ends: no write is retried into a database that is gone
    engine.close()

    const lost = `the results database ${join(D, 'stdd.sqlite')} was replaced by another file while this engine ran`
    expect(errors.filter((e) => e.includes(lost))).toHaveLength(3)
    expect(errors[1]).toMatch(/^run 1: its results are not imported: the results database .* was replaced .*; its worker's record keeps them$/)
    expect(errors[2]).toMatch(/^run 1: how it ended is not recorded: the results database .* was replaced/)
    expect(errors.join('\n')).not.toMatch(/not JSON|belongs to run key|readonly/)
    // The folder now at D is untouched: its run 1 done with its metrics; this engine's run kept its whole record.
    const after = await Engine.start({ dataDir: D, withoutTf: true })
    expect(getRunSummary(after.db, 1)).toMatchObject({ status: 'done', error: null })
    expect(listMetrics(after.db, 1, ['train/loss'])).toHaveLength(40)
    after.close()
    const kept = readFileSync(join(root.path, 'D.moved', 'runs', '1', 'record.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; step?: number })
    expect(kept.filter((r) => r.type === 'metrics').map((r) => r.step)).toEqual([1, 2, 3, 4, 5])
    expect(kept.at(-1)!.type).toBe('end')
  })
})
