import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
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
import { hasEnded, metricSeries, STDD_ON_NODE, useProfile, waitForRuns, writeExperiment } from './slurm-helpers'

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
    let sweepRunId: number
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
      sweepRunId = seed3.id
    }, 300_000)

    it('evaluate again of a run on the shared folder loads its checkpoint there and reproduces its evaluation', async () => {
      const again = await engine.invoke('runs.evaluate', { runId: sweepRunId })
      await engine.runs.runOnly([again.id])
      const [source, evaluated] = await Promise.all([engine.invoke('runs.get', { id: sweepRunId }), engine.invoke('runs.get', { id: again.id })])
      expect([evaluated.status, evaluated.error]).toEqual(['done', null])
      const evalMetrics = (m: Record<string, number>): Record<string, number> => Object.fromEntries(Object.entries(m).filter(([k]) => k.startsWith('eval/')))
      expect(Object.keys(evalMetrics(evaluated.lastMetrics)).length).toBeGreaterThan(0)
      expect(evalMetrics(evaluated.lastMetrics)).toEqual(evalMetrics(source.lastMetrics))
      const log = (await engine.invoke('logs.recent', { limit: 1000 })).map((e) => e.message)
      expect(log).toContain(`evaluating run ${sweepRunId}'s checkpoint of epoch 2`)
      expect(existsSync(join(engine.dataDir, 'runs', String(sweepRunId), 'checkpoints'))).toBe(false)
    }, 120_000)

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

    it('a node taken down while the run trains: Slurm requeues the job (NODE_FAIL), the run waits queued, and ends with the uninterrupted metrics once the node is back', async () => {
      const file = writeExperiment(join(engine.dataDir, 'experiments'), 'node-fail')
      const [id] = await launch(file, 'acct')
      const job = getSlurmJob(engine.db, id!)!
      await waitFor(() => (readRecordTypes(job.runDir).includes('progress') ? true : null), 120_000, () => `run ${id} did not start training:\n${cluster.logs()}`, 100)
      // The node answers again at once (slurmd still runs; ReturnToService=2): Slurm requeues the job, which waits
      // ≈ 15 s (BeginTime) before it starts again. Accounting records the NODE_FAIL attempt before the new one.
      cluster.command('scontrol', ['update', `nodename=${cluster.nodeName}`, 'state=down', 'reason=stdd-test'])
      const [waiting] = await waitForRuns(engine, cluster, [id!], (r) => r.status !== 'running', 'to leave running once its node went down')
      expect([waiting!.status, waiting!.error]).toEqual(['queued', null])
      expect(waiting!.job).toMatchObject({ state: 'PENDING', requeues: 1 })
      // The reason appears at the scheduler's next pass: a look just after the requeue may see none yet.
      expect([null, 'BeginTime']).toContain(waiting!.job!.pendingReason)
      const log = (await engine.invoke('logs.recent', { limit: 1000 })).map((e) => e.message)
      expect(log).toContain(`run ${id}: Slurm requeued job ${job.arrayJobId}_0 (requeue 1, now PENDING); the worker resumes from its checkpoint when the job starts again`)
      const [run] = await waitForRuns(engine, cluster, [id!], (r) => hasEnded(r) && r.job?.state === 'COMPLETED', 'to end once its node is back')
      expect([run!.status, run!.error]).toEqual(['done', null])
      expect(await metricSeries(engine, id!)).toEqual(localReference)
      const states = cluster.command('sacct', ['-n', '-X', '-D', '-j', `${job.arrayJobId}_0`, '-o', 'State']).split('\n').map((s) => s.trim()).filter(Boolean)
      expect(states).toEqual(['NODE_FAIL', 'COMPLETED'])
    }, 300_000)

    it('a job that reaches its time limit before its worker checkpoints ends TIMEOUT: the run fails naming the time limit and the fix, and resume is offered', async () => {
      // A worker that cannot act on USR1 within the grace (a step that outlasts signalGraceSeconds), made here by a
      // shell between the job script and the worker that ignores the USR1 and does not pass it on. A 1-minute limit
      // (Slurm's smallest) ends the job in 60–90 s: slurmctld checks time limits every 30 s.
      const slow = `sh -c 'trap "" USR1; "$0" "$@"' ${STDD_ON_NODE}`
      useProfile(engine, cluster, { name: 'short', partition: LOW_PARTITION, timeLimit: '1', signalGraceSeconds: 5, stddCommand: slow })
      const file = writeExperiment(join(engine.dataDir, 'experiments'), 'timeout', { epochs: 500 })
      const [id] = await launch(file, 'short')
      const job = getSlurmJob(engine.db, id!)!
      expect(job.script).toContain('#SBATCH --time=1')
      const [run] = await waitForRuns(engine, cluster, [id!], (r) => hasEnded(r) && r.job?.state === 'TIMEOUT', 'to reach its time limit', 200_000)
      expect(run!.status).toBe('failed')
      expect(run!.error).toBe(`Slurm ended job ${job.arrayJobId}_0 with TIMEOUT: it reached its time limit before the worker could checkpoint and requeue it (raise the profile's timeLimit, or its signalGraceSeconds when one step takes longer than that); resume continues from its last checkpoint`)
      expect(run!.job).toMatchObject({ state: 'TIMEOUT', requeues: 0 })
      expect(getSlurmJob(engine.db, id!)!.resumable).toBe(true)
      // Slurm's SIGTERM at the limit stops the worker at its next step (its end, when it gets to write it before the
      // job's processes are killed, reads "cancelled": the job's state overrules it); its checkpoints stay, mid-epoch
      // or of the epochs done: a resume continues there.
      expect(readdirSync(join(job.runDir, 'checkpoints')).some((n) => n === 'mid-epoch' || /^epoch-\d{4}$/.test(n))).toBe(true)
      expect(cluster.command('sacct', ['-n', '-X', '-j', `${job.arrayJobId}_0`, '-o', 'State']).trim()).toBe('TIMEOUT')
      const listed = cliContext()
      expect(await runCli(['runs', 'list', '--json', '--data-dir', engine.dataDir], listed.ctx)).toBe(0)
      expect((JSON.parse(listed.out.join('')) as RunSummary[]).find((r) => r.id === id)).toMatchObject({ status: 'failed', error: run!.error, job: { state: 'TIMEOUT' } })
      expect((await engine.invoke('runs.resume', { id: id! })).status).toBe('queued')
      expect((await engine.invoke('runs.cancel', { id: id! })).status).toBe('cancelled')
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
