import type { EngineContext } from '../engine'
import type { ResolvedExperiment } from '../experiments/resolve'
import type { Launched } from '../runs/run-manager'
import { getRunSummary } from '../store/runs'
import { findProfile } from './profiles'

/**
 * Launches an experiment's runs on Slurm: creates them like a local launch, takes them out of the
 * local queue in the same tick (no local worker may claim them), then submits them as one job array.
 */
export async function launchOnSlurm(ctx: EngineContext, resolved: ResolvedExperiment, profileName: string | undefined, into?: { experimentId: number }): Promise<Launched> {
  const profile = findProfile(ctx.dataDir, profileName) // a bad name is refused before any run is made
  const launched = ctx.runs.launch(resolved, into)
  const ids = launched.runs.map((r) => r.id)
  ctx.slurm.takeFromLocalQueue(ids)
  await ctx.slurm.submit(ids, profile, launched.experiment.name)
  ctx.slurm.followInBackground()
  return { experiment: launched.experiment, runs: ids.map((id) => getRunSummary(ctx.db, id)) }
}
