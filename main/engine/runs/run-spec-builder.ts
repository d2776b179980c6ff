import { join } from 'node:path'
import type { ExperimentConfig } from '../experiments/schema'
import { runsDir } from '../paths'
import type { Db } from '../store/db'
import { listGraphAliases } from '../store/graph-aliases'
import { runKey } from '../store/run-records'
import { getRunSource } from '../store/run-sources'
import { getRun } from '../store/runs'
import { getSlurmJob } from '../store/slurm-jobs'
import { resolveEvalGraph } from '../text/graphs/eval-classes'
import { RUN_SPEC_FORMAT, type GraphSnapshot, type RunSpec, type SourceSnapshot } from '../worker/run-spec'

/** The run folder of run `id` under the data folder. */
export function runFolder(dataDir: string, runId: number): string {
  return join(runsDir(dataDir), String(runId))
}

/**
 * Where run `id`'s checkpoints are on this machine: its own folder under the data folder, or for a run on
 * a Slurm cluster whose folders this machine shares (no ssh), that folder. (An ssh run's checkpoints are
 * fetched into its own folder: SlurmExecutor.fetchCheckpoints.)
 */
export function checkpointFolder(db: Db, dataDir: string, runId: number): string {
  const job = getSlurmJob(db, runId)
  return job && !job.profile.ssh ? job.runDir : runFolder(dataDir, runId)
}

/**
 * What the run's worker needs from the database, resolved now (docs/worker.md): the frozen config,
 * the knowledge-graph version its prompts come from, and for "evaluate again" the source run.
 */
export function buildRunSpec(db: Db, dataDir: string, runId: number): RunSpec {
  const run = getRun(db, runId)
  const config = run.config as ExperimentConfig
  let graph: GraphSnapshot | null = null
  if (config.text.promptSet !== 'c') {
    const version = resolveEvalGraph(db, config.text.graph)
    graph = { id: version.id, name: version.name, version: version.version, classes: version.classes, aliases: listGraphAliases(db, version.name).map(({ alias, key }) => ({ alias, key })) }
  }
  const from = getRunSource(db, runId)
  const source: SourceSnapshot | null = from
    ? { runId: from.sourceRunId, runKey: runKey(db, from.sourceRunId), runDir: checkpointFolder(db, dataDir, from.sourceRunId), checkpoint: from.checkpoint, train: (getRun(db, from.sourceRunId).config as ExperimentConfig).train }
    : null
  return { format: RUN_SPEC_FORMAT, runKey: runKey(db, runId), runId, config, dataDir, graph, source }
}
