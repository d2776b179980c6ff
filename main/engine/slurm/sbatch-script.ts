import type { ClusterProfile } from '../../../contract'
import { shellQuote } from './cluster-link'

export interface SbatchInput {
  profile: ClusterProfile
  /** The job's name in squeue (the experiment's name). */
  jobName: string
  /** One run folder per array task, in task order. */
  runDirs: string[]
  /** Where Slurm writes the job's own output (`slurm-%A_%a.out` goes there). */
  batchDir: string
  /** Runs the folders describe, for the header comment. */
  runIds: number[]
}

/** The exit code of a worker that was pre-empted (or reached the time limit) and wrote a checkpoint. */
export const PREEMPTED_EXIT = 3

/** The file in a run folder where the job script notes starts, signals and requeues. */
export const EVENTS_FILE = 'slurm-events.log'
/** The worker's output in its run folder (appended by every attempt). */
export const WORKER_LOG = 'worker.log'

function sbatchLines(p: ClusterProfile, i: SbatchInput): string[] {
  const options = [
    `--job-name=${i.jobName.replace(/[^\w.-]/g, '_').slice(0, 64) || 'stdd'}`,
    `--array=0-${i.runDirs.length - 1}`,
    '--requeue',
    '--open-mode=append',
    `--signal=B:USR1@${p.signalGraceSeconds}`,
    `--output=${i.batchDir}/slurm-%A_%a.out`,
    '--nodes=1',
    '--ntasks=1',
    `--cpus-per-task=${p.cpus}`,
    ...(p.partition ? [`--partition=${p.partition}`] : []),
    ...(p.account ? [`--account=${p.account}`] : []),
    ...(p.timeLimit ? [`--time=${p.timeLimit}`] : []),
    ...(p.gpus > 0 ? [`--gpus-per-node=${p.gpus}`] : []),
    ...(p.memory ? [`--mem=${p.memory}`] : []),
    ...p.extraSbatch,
  ]
  return options.map((o) => `#SBATCH ${o}`)
}

/**
 * The job script of one submission: a job array with one task per run. Each task runs
 * `stdd worker --run-dir DIR` in the background and waits for it in a loop (bash runs a trap only
 * while it waits); USR1 (pre-emption, or `--signal` before the time limit) is passed to the worker,
 * which checkpoints and exits 3; the task then requeues itself, only itself (`ARRAYID_TASK`, never the
 * whole array), since a job that ends by itself in the grace period counts as COMPLETED.
 */
export function sbatchScript(i: SbatchInput): string {
  const p = i.profile
  return `#!/bin/bash
${sbatchLines(p, i).join('\n')}
# STDD Explorer: run(s) ${i.runIds.join(', ')}, profile "${p.name}". One array task per run.
set -u
RUN_DIRS=(${i.runDirs.map(shellQuote).join(' ')})
RUN_DIR="\${RUN_DIRS[\${SLURM_ARRAY_TASK_ID:-0}]}"
if [ -n "\${SLURM_ARRAY_JOB_ID:-}" ]; then SELF="\${SLURM_ARRAY_JOB_ID}_\${SLURM_ARRAY_TASK_ID}"; else SELF="\${SLURM_JOB_ID}"; fi
note() { printf '%s %s %s\\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$SELF" "$*" >> "$RUN_DIR/${EVENTS_FILE}"; }
worker=
on_usr1() {
  note "signal USR1"
  [ -n "$worker" ] && kill -USR1 "$worker" 2>/dev/null
}
trap on_usr1 USR1
note "start attempt \${SLURM_RESTART_COUNT:-0} on $(hostname)"
${p.stddCommand} worker --run-dir "$RUN_DIR" >> "$RUN_DIR/${WORKER_LOG}" 2>&1 &
worker=$!
wait "$worker"; status=$?
while kill -0 "$worker" 2>/dev/null; do wait "$worker"; status=$?; done
note "worker exit $status"
if [ "$status" -eq ${PREEMPTED_EXIT} ]; then
  if command -v scontrol >/dev/null 2>&1 && scontrol requeue "$SELF"; then
    note "requeued"
    exit 0
  fi
  note "could not requeue (scontrol missing from PATH or refused); resume the run from the app"
fi
exit "$status"
`
}
