import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { restoreDataBackup } from '../../../../main/engine/data-backups'
import { Engine } from '../../../../main/engine/engine'
import { resolveExperiment } from '../../../../main/engine/experiments/resolve'
import type { RunContext, RunExecutor } from '../../../../main/engine/runs/executor'
import { listMetrics } from '../../../../main/engine/store/metrics'
import { checkpointEpochs, checkpointsDir } from '../../../../main/engine/train/checkpoint'
import { recordingOutput } from '../../../../main/engine/runs/run-output'
import { buildRunSpec } from '../../../../main/engine/runs/run-spec-builder'
import { runKey } from '../../../../main/engine/store/run-records'
import { RecordWriter } from '../../../../main/engine/worker/record-file'
import { writeRunSpec } from '../../../../main/engine/worker/run-spec'
import { tempDir } from '../../../helpers/temp-dir'

/** Like the trainer: resumes when its folder has a checkpoint, else "trains" an epoch and checkpoints it. */
class CheckpointingExecutor implements RunExecutor {
  readonly resumed: number[] = []
  async execute(ctx: RunContext): Promise<void> {
    if (checkpointEpochs(ctx.runDir).length) {
      this.resumed.push(ctx.runId)
      ctx.out.metrics(1, 1, { 'train/resumed': 1 })
      return
    }
    const dir = join(checkpointsDir(ctx.runDir), 'epoch-0001')
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, 'state.json'), JSON.stringify({ epoch: 1 }))
    ctx.out.metrics(1, 1, { 'train/loss': ctx.config.seed + 0.5 })
  }
}

const experiment = (name: string, seed: number) => resolveExperiment({ name, seed }, `${name}.yaml`, '/tmp')

let dir: ReturnType<typeof tempDir>
beforeEach(() => {
  dir = tempDir('stdd-f1-')
})
afterEach(() => dir.remove())

async function withEngine<T>(executor: RunExecutor, body: (e: Engine) => Promise<T>): Promise<T> {
  const engine = await Engine.start({ dataDir: dir.path, withoutTf: true, executor })
  try {
    return await body(engine)
  } finally {
    engine.close()
  }
}

describe('a run folder belongs to exactly one run (F1)', () => {
  it('a run that gets an earlier run\'s id after "stdd db restore" starts afresh; the old folder is kept aside', async () => {
    const executor = new CheckpointingExecutor()
    await withEngine(executor, async () => undefined)
    await withEngine(executor, async () => undefined) // opening an existing database takes the daily backup
    const first = await withEngine(executor, async (e) => {
      const [run] = e.runs.launch(experiment('first', 7)).runs
      await e.runs.runOnly([run!.id])
      return run!.id
    })
    restoreDataBackup('latest', dir.path) // the database from before that run: its id is free again

    const warnings: string[] = []
    await withEngine(executor, async (e) => {
      e.subscribe((event, p) => event === 'log' && (p as { level: string }).level === 'warn' && warnings.push((p as { message: string }).message))
      const [run] = e.runs.launch(experiment('second', 2)).runs
      expect(run!.id).toBe(first)
      await e.runs.runOnly([run!.id])
      expect(executor.resumed).toEqual([])
      expect((await e.invoke('runs.get', { id: run!.id })).status).toBe('done')
      expect(listMetrics(e.db, run!.id).map((p) => [p.name, p.value])).toEqual([['train/loss', 2.5]])
    })
    const aside = readdirSync(join(dir.path, 'runs')).filter((n) => n.startsWith(`${first}.orphan-`))
    expect(aside).toHaveLength(1)
    expect(existsSync(join(dir.path, 'runs', aside[0]!, 'checkpoints', 'epoch-0001', 'state.json'))).toBe(true)
    expect(warnings.join('\n')).toContain(`moved them to ${join(dir.path, 'runs', aside[0]!)}`)
  })

  it('a run resumes from its own folder; one made before run keys keeps its folder without run.json', async () => {
    const executor = new CheckpointingExecutor()
    await withEngine(executor, async (e) => {
      const [own, legacy] = e.runs.launch(resolveExperiment({ name: 'pair', sweep: { grid: { seed: [0, 1] } } }, 'pair.yaml', '/tmp')).runs.map((r) => r.id)
      // The legacy run: created by an earlier version (no key), whose folder holds a checkpoint and no run.json.
      e.db.prepare('UPDATE runs SET run_key = NULL WHERE id = ?').run(legacy)
      mkdirSync(join(dir.path, 'runs', String(legacy), 'checkpoints', 'epoch-0001'), { recursive: true })
      writeFileSync(join(dir.path, 'runs', String(legacy), 'checkpoints', 'epoch-0001', 'state.json'), '{}')
      await e.runs.runOnly([own!, legacy!])
      expect(executor.resumed).toEqual([legacy])
      // Its own folder, resumed: the same folder, with its checkpoint.
      e.db.prepare("UPDATE runs SET status = 'failed' WHERE id = ?").run(own)
      e.runs.resume(own!)
      await e.runs.runOnly([own!])
      expect(executor.resumed).toEqual([legacy, own])
      expect(readdirSync(join(dir.path, 'runs')).sort()).toEqual([String(own), String(legacy)].sort())
    })
  })
})

describe('resuming a run whose worker recorded more than was imported', () => {
  it('imports the rest first: a run whose record says it ended is not run again', async () => {
    await withEngine(new CheckpointingExecutor(), async (e) => {
      const [run] = e.runs.launch(experiment('leftover', 0)).runs
      const key = runKey(e.db, run!.id)
      // The engine died after the worker's last lines and before it imported them; it was marked interrupted.
      const folder = join(dir.path, 'runs', String(run!.id))
      mkdirSync(folder, { recursive: true })
      writeRunSpec(folder, buildRunSpec(e.db, dir.path, run!.id))
      const writer = RecordWriter.open(folder, key)
      recordingOutput(writer).metrics(1, 1, { 'train/loss': 0.25 })
      writer.append({ type: 'end', status: 'done', error: null })
      writer.close()
      e.db.prepare("UPDATE runs SET status = 'failed', error = 'interrupted' WHERE id = ?").run(run!.id)

      expect(() => e.runs.resume(run!.id)).toThrow(`run ${run!.id} is done; nothing to resume`)
      expect(listMetrics(e.db, run!.id).map((p) => p.value)).toEqual([0.25])
    })
  })
})
