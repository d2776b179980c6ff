import type { Engine } from '../engine/engine'
import type { RunSummary } from '../../contract'
import { reportRuns } from './run-report'
import { progressPrinter } from './progress'
import { CliUsageError, type CliContext, type CliOptions } from './types'

export const EXECUTOR_OPTIONS: CliOptions = { executor: { type: 'string' }, profile: { type: 'string' }, detach: { type: 'boolean' } }

export const EXECUTOR_HELP = [
  '--executor slurm  submit the runs to Slurm as one job array and follow them to the end (default: local)',
  '--profile NAME   the cluster profile (<data folder>/clusters.yaml; default: sbatch/squeue/sacct on this PATH)',
  '--detach         return once submitted; "stdd runs list" shows the jobs, the app and "stdd serve" follow them',
]

/** How often the CLI looks at its Slurm jobs while it follows them (`STDD_SLURM_POLL_MS` overrides). */
const CLI_POLL_MS = Number(process.env.STDD_SLURM_POLL_MS) || 2000

export function parseExecutor(values: Record<string, unknown>): { slurm: boolean; profile: string | undefined; detach: boolean } {
  const executor = (values.executor as string | undefined) ?? 'local'
  if (executor !== 'local' && executor !== 'slurm') throw new CliUsageError(`--executor ${executor}: choose "local" or "slurm"`)
  const slurm = executor === 'slurm'
  if (!slurm && (values.profile !== undefined || values.detach)) throw new CliUsageError('--profile and --detach go with --executor slurm')
  return { slurm, profile: values.profile as string | undefined, detach: Boolean(values.detach) }
}

/**
 * After a Slurm submission: prints the job, then (unless detached) follows the runs with a progress
 * bar until each has ended; Ctrl-C cancels their jobs. Returns the exit code.
 */
export async function followSlurmRuns(engine: Engine, experimentName: string, runs: RunSummary[], detach: boolean, ctx: CliContext): Promise<number> {
  const ids = runs.map((r) => r.id)
  const jobs = runs.map((r) => `${r.id} ${r.name} → job ${r.job?.jobId ?? '?'}`)
  ctx.io.err(`experiment "${experimentName}": ${ids.length} run(s) submitted to Slurm (${jobs.join(', ')})`)
  if (detach) return 0
  const bar = progressPrinter((s) => process.stderr.write(s), Boolean(process.stderr.isTTY))
  const seen = new Map<number, string>()
  const off = engine.subscribe((event, payload) => {
    if (event === 'run.progress') bar.update(payload as Parameters<typeof bar.update>[0])
    if (event === 'runs.changed') {
      const r = payload as RunSummary
      const line = r.job ? `${r.status} (job ${r.job.jobId} ${r.job.state}${r.job.node ? ` on ${r.job.node}` : ''}${r.job.pendingReason ? `, ${r.job.pendingReason}` : ''})` : r.status
      if (ids.includes(r.id) && seen.get(r.id) !== line) {
        seen.set(r.id, line)
        bar.done()
        ctx.io.err(`run ${r.id}: ${line}`)
      }
    }
  })
  const stop = ctx.stopSignal.then(async () => {
    for (const id of ids) await engine.slurm.cancel(id).catch(() => undefined)
  })
  try {
    await engine.slurm.followUntilDone(ids, CLI_POLL_MS, stop)
  } finally {
    bar.done()
    off()
  }
  return reportRuns(engine, ids, ctx)
}
