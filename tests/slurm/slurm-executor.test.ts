import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunSummary } from '../../contract'
import { runCli } from '../../main/cli/run-cli'
import type { Engine } from '../../main/engine/engine'
import { loadExperimentFile } from '../../main/engine/experiments/resolve'
import { startInProcessEngine } from '../../main/engine/in-process'
import { getSlurmJob } from '../../main/engine/store/slurm-jobs'
import { startSlurmCluster, missingSlurmPackages, HIGH_PARTITION, LOW_PARTITION, type SlurmCluster } from '../helpers/slurm/cluster'
import { waitFor } from '../helpers/slurm/daemon'
import { missingSshd, startLoopbackSshd, type LoopbackSshd } from '../helpers/slurm/loopback-sshd'
import { cliContext } from '../helpers/cli-context'
import { tempDir } from '../helpers/temp-dir'
import { hasEnded, metricSeries, useProfile, waitForRuns, writeExperiment } from './slurm-helpers'

// A real single-node Slurm (Debian's 22.05) per describe block, started by the test and stopped by its pids.
// Without the packages (or root) the cases are skipped with the reason, unless STDD_REQUIRE_SLURM=1 (.ci/run).
const missing = missingSlurmPackages(true) ?? missingSshd()
if (missing && process.env.STDD_REQUIRE_SLURM === '1') throw new Error(`the Slurm tests need ${missing}`)

const tmp = tempDir('stdd-slurm-test-')
let engine: Engine
let closeEngine: () => Promise<void>
/** The metrics of the tiny experiment run here, on this machine: every Slurm run must import the same. */
let localReference: Awaited<ReturnType<typeof metricSeries>>

async function launch(file: string, profile: string, overrides: Record<string, unknown> = {}): Promise<number[]> {
  const launched = await engine.invoke('runs.launch', { file, overrides, executor: 'slurm', profile })
  return launched.runs.map((r) => r.id)
}

describe.skipIf(missing !== null)(`Slurm executor on a real Slurm${missing ? ` (skipped: ${missing})` : ''}`, () => {
  beforeAll(async () => {
    const conn = await startInProcessEngine({ dataDir: join(tmp.path, 'data') })
    engine = conn.engine
    closeEngine = conn.close
    // STDD_HOME of the tests' own experiment files is tmp: the launch reads them from <data>/experiments.
    const reference = engine.runs.launch(loadExperimentFile(writeExperiment(tmp.path, 'reference'), {}))
    await engine.runs.runOnly(reference.runs.map((r) => r.id))
    expect((await engine.invoke('runs.get', { id: reference.runs[0]!.id })).status).toBe('done')
    localReference = await metricSeries(engine, reference.runs[0]!.id)
  }, 180_000)

  afterAll(async () => {
    await closeEngine?.()
    tmp.remove()
  })

  describe('without accounting (squeue only)', () => {
    let cluster: SlurmCluster
    beforeAll(async () => {
      cluster = await startSlurmCluster()
      useProfile(engine, cluster, { name: 'test', partition: LOW_PARTITION })
    }, 60_000)
    afterAll(async () => cluster?.stop())

    it('runs a 3-run sweep as one job array; each run imports the metrics a local run of its config gives', async () => {
      const file = writeExperiment(join(engine.dataDir, 'experiments'), 'sweep', { extra: 'sweep:\n  grid:\n    seed: [3, 4, 5]\n' })
      const ids = await launch(file, 'test')
      expect(ids).toHaveLength(3)
      const jobs = ids.map((id) => getSlurmJob(engine.db, id)!)
      expect(new Set(jobs.map((j) => j.arrayJobId)).size).toBe(1)
      expect(jobs.map((j) => j.taskId)).toEqual([0, 1, 2])
      expect(jobs[0]!.script).toContain('#SBATCH --array=0-2')
      const runs = await waitForRuns(engine, cluster, ids, hasEnded, 'to end')
      expect(runs.map((r) => [r.status, r.error])).toEqual(ids.map(() => ['done', null]))
      expect(runs.every((r) => r.executor === 'slurm' && r.job?.node === cluster.nodeName)).toBe(true)
      // seed 3 is the reference's config: the same numbers, imported from the node's record.
      const seed3 = runs.find((r) => r.name.includes('seed=3'))!
      expect(await metricSeries(engine, seed3.id)).toEqual(localReference)
      const seed4 = runs.find((r) => r.name.includes('seed=4'))!
      expect(await metricSeries(engine, seed4.id)).not.toEqual(localReference)
      // Importing again changes nothing.
      await engine.slurm.poll()
      expect(await metricSeries(engine, seed3.id)).toEqual(localReference)
      const detail = await engine.invoke('runs.job', { id: seed3.id })
      expect(detail?.script).toContain('--signal=B:USR1@')
      expect(detail?.logTail).toContain('start attempt 0')
      expect(detail?.logTail).toContain('epoch 2/2')
    }, 300_000)

    it('cancels a running job with scancel; resume submits it again and it ends with the uninterrupted metrics', async () => {
      const file = writeExperiment(join(engine.dataDir, 'experiments'), 'cancel')
      const [id] = await launch(file, 'test')
      await waitForRuns(engine, cluster, [id!], (r) => r.status === 'running', 'to start')
      const first = getSlurmJob(engine.db, id!)!
      expect((await engine.invoke('runs.cancel', { id: id! })).status).toBe('cancelled')
      await waitFor(
        () => (execFileSync('squeue', ['-h', '-t', 'all', '-j', String(first.arrayJobId), '-o', '%T'], { env: cluster.env, encoding: 'utf8' }).trim() === 'CANCELLED' ? true : null),
        60_000,
        () => 'the job was not cancelled',
      )
      expect(getSlurmJob(engine.db, id!)!.resumable).toBe(true)
      expect((await engine.invoke('runs.resume', { id: id! })).status).toBe('queued')
      const again = getSlurmJob(engine.db, id!)!
      expect(again.arrayJobId).not.toBe(first.arrayJobId)
      expect(again.runDir).toBe(first.runDir)
      const [run] = await waitForRuns(engine, cluster, [id!], hasEnded, 'to end after its resume')
      expect([run!.status, run!.error]).toEqual(['done', null])
      expect(await metricSeries(engine, id!)).toEqual(localReference)
    }, 180_000)

    it('stdd run --executor slurm: --detach returns once submitted; runs list --json shows the job; a config that fails on the node ends failed with the worker\'s reason', async () => {
      const file = writeExperiment(tmp.path, 'broken')
      const args = ['run', file, '--executor', 'slurm', '--profile', 'test', '--set', 'model.checkpoint=/nonexistent/clip-checkpoint', '--data-dir', engine.dataDir]
      const detached = cliContext()
      expect(await runCli([...args, '--detach'], detached.ctx)).toBe(0)
      expect(detached.err.join('\n')).toMatch(/1 run\(s\) submitted to Slurm \(\d+ default → job \d+_0\)/)
      const followed = cliContext()
      expect(await runCli(args, followed.ctx)).toBe(1)
      expect(followed.err.join('\n')).toMatch(/run \d+: failed \(job \d+_0 /)
      expect(followed.out.join('\n')).toMatch(/failed \(.*\/nonexistent\/clip-checkpoint/)
      const listed = cliContext()
      expect(await runCli(['runs', 'list', '--json', '--data-dir', engine.dataDir], listed.ctx)).toBe(0)
      const broken = (JSON.parse(listed.out.join('')) as RunSummary[]).filter((r) => r.experimentName === 'broken')
      expect(broken).toHaveLength(2)
      for (const r of broken) expect(r).toMatchObject({ executor: 'slurm', job: { jobId: expect.stringMatching(/^\d+_0$/), cluster: cluster.clusterName, preemptions: 0, requeues: 0 } })
      const [run] = await waitForRuns(engine, cluster, [broken[1]!.id], hasEnded, 'to end')
      expect(run!.status).toBe('failed')
      expect(run!.error).toContain('/nonexistent/clip-checkpoint')
      expect(run!.job?.node).toBe(cluster.nodeName)
    }, 120_000)

    describe('through ssh to a loopback sshd', () => {
      let sshd: LoopbackSshd
      let remoteRunId: number
      beforeAll(async () => {
        sshd = await startLoopbackSshd()
        useProfile(engine, cluster, { name: 'remote', ssh: sshd.alias, sshOptions: ['-F', sshd.configFile], partition: LOW_PARTITION, runsFolder: join(tmp.path, 'cluster-scratch'), nodeDataDir: engine.dataDir })
      }, 60_000)
      afterAll(async () => sshd?.stop())

      it('tests the connection with sinfo, submits, and imports a copy of the record read over ssh', async () => {
        const test = await engine.invoke('clusters.test', { name: 'remote' })
        expect(test).toMatchObject({ ok: true })
        expect(test.command).toMatch(/^ssh -F .* stdd-test-login -- SLURM_CONF=.* sinfo --summarize$/)
        expect(test.output).toContain(LOW_PARTITION)
        const file = writeExperiment(join(engine.dataDir, 'experiments'), 'remote')
        const [id] = await launch(file, 'remote')
        const [run] = await waitForRuns(engine, cluster, [id!], hasEnded, 'to end')
        expect([run!.status, run!.error]).toEqual(['done', null])
        expect(await metricSeries(engine, id!)).toEqual(localReference)
        // The record came over ssh into the run's local folder, not from the cluster's folder directly.
        const job = getSlurmJob(engine.db, id!)!
        expect(job.runDir.startsWith(join(tmp.path, 'cluster-scratch'))).toBe(true)
        expect(readFileSync(join(engine.dataDir, 'runs', String(id), 'record.jsonl'), 'utf8')).toBe(readFileSync(join(job.runDir, 'record.jsonl'), 'utf8'))
        remoteRunId = id!
      }, 180_000)

      it('evaluate again fetches the checkpoint over ssh on demand (SHA-256 verified) and reproduces the run’s evaluation; a damaged copy is refused naming the file', async () => {
        const id = remoteRunId
        const job = getSlurmJob(engine.db, id)!
        const local = join(engine.dataDir, 'runs', String(id), 'checkpoints')
        expect(existsSync(local)).toBe(false)
        const again = await engine.invoke('runs.evaluate', { runId: id })
        const fetched = join(local, 'epoch-0002', 'weights.safetensors')
        expect(readFileSync(fetched)).toEqual(readFileSync(join(job.runDir, 'checkpoints', 'epoch-0002', 'weights.safetensors')))
        expect(existsSync(join(local, 'epoch-0001'))).toBe(false)
        const log = (await engine.invoke('logs.recent', { limit: 1000 })).map((e) => e.message)
        expect(log).toContain(`run ${id}: checkpoint epoch-0002 fetched and its SHA-256 verified`)
        expect(log.some((l) => l.startsWith(`run ${id}: fetching checkpoint epoch-0002 from ${sshd.alias}:${job.runDir} (4 files, `))).toBe(true)
        await engine.runs.runOnly([again.id])
        const [source, evaluated] = await Promise.all([engine.invoke('runs.get', { id }), engine.invoke('runs.get', { id: again.id })])
        expect([evaluated.status, evaluated.error]).toEqual(['done', null])
        const evalMetrics = (m: Record<string, number>): Record<string, number> => Object.fromEntries(Object.entries(m).filter(([k]) => k.startsWith('eval/')))
        expect(Object.keys(evalMetrics(evaluated.lastMetrics)).length).toBeGreaterThan(0)
        expect(evalMetrics(evaluated.lastMetrics)).toEqual(evalMetrics(source.lastMetrics))
        // Epoch 1's weights, damaged on the cluster after they were written: refused, nothing kept here.
        const damaged = join(job.runDir, 'checkpoints', 'epoch-0001', 'weights.safetensors')
        writeFileSync(damaged, Buffer.concat([readFileSync(damaged).subarray(0, 100), Buffer.alloc(64)]))
        await expect(engine.invoke('runs.evaluate', { runId: id, checkpoint: 1 })).rejects.toThrow(`${damaged} fetched from ${sshd.alias} does not match its SHA-256 in checksums.json`)
        expect(existsSync(join(local, 'epoch-0001'))).toBe(false)
      }, 180_000)
    })
  })

  describe('with accounting (slurmdbd + MariaDB: sacct)', () => {
    let cluster: SlurmCluster
    beforeAll(async () => {
      cluster = await startSlurmCluster({ accounting: true })
      useProfile(engine, cluster, { name: 'acct', partition: LOW_PARTITION, signalGraceSeconds: 30 })
    }, 120_000)
    afterAll(async () => cluster?.stop())

    it('a run pre-empted by a higher-priority partition checkpoints, requeues itself, resumes and ends with the uninterrupted metrics', async () => {
      const file = writeExperiment(join(engine.dataDir, 'experiments'), 'preempted')
      const [id] = await launch(file, 'acct')
      const job = getSlurmJob(engine.db, id!)!
      // Once it trains, a job in the high partition that needs the whole node takes it.
      await waitFor(() => (readRecordTypes(job.runDir).includes('progress') ? true : null), 120_000, () => `run ${id} did not start training:\n${cluster.logs()}`, 100)
      cluster.command('sbatch', ['--parsable', '-p', HIGH_PARTITION, '--exclusive', '--wrap', 'sleep 1'])
      const [run] = await waitForRuns(engine, cluster, [id!], (r) => hasEnded(r) && r.job?.state !== 'RUNNING', 'to end after its pre-emption')
      expect([run!.status, run!.error]).toEqual(['done', null])
      expect(readRecordTypes(job.runDir)).toContain('preempted')
      expect(run!.job).toMatchObject({ preemptions: 1, requeues: 1, state: 'COMPLETED' })
      expect(await metricSeries(engine, id!)).toEqual(localReference)
      // sacct lists both attempts of the task (-D: every record of the id): REQUEUED, then COMPLETED.
      const states = cluster.command('sacct', ['-n', '-X', '-D', '-j', `${job.arrayJobId}_0`, '-o', 'State']).split('\n').map((s) => s.trim()).filter(Boolean)
      expect(states).toEqual(['REQUEUED', 'COMPLETED'])
    }, 300_000)
  })
})

function readRecordTypes(runDir: string): string[] {
  try {
    return readFileSync(join(runDir, 'record.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => (JSON.parse(l) as { type: string }).type)
  } catch {
    return []
  }
}
