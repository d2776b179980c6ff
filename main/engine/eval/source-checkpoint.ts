import * as tf from '@tensorflow/tfjs'
import type { RunContext } from '../runs/executor'
import { runKeyOf } from '../worker/run-spec'
import { averageCheckpoints, checkpointEpochs, loadCheckpoint } from '../train/checkpoint'
import { sourceWeightsPlan } from './source-weights-plan'

/**
 * The weights an evaluation-only run ("evaluate again") evaluates: its source run's final weights
 * (the average over the source's averaging range when its config averages, else its last epoch), the
 * average over that range (all epochs when it has none), or one epoch's checkpoint.
 * Returns a line for the run's log, or null when the run has no source (it trains or evaluates its own model).
 */
export function loadSourceWeights(ctx: RunContext, named: readonly [string, tf.Variable][]): string | null {
  const { source } = ctx
  if (!source) return null
  const sourceDir = source.runDir
  const owner = runKeyOf(sourceDir)
  if (owner !== null && owner !== source.runKey) throw new Error(`${sourceDir} belongs to another run (key ${owner}), not to run ${source.runId}: its checkpoints are gone`)
  const epochs = checkpointEpochs(sourceDir)
  const plan = named.length === 0 ? ({ kind: 'as-built' } as const) : sourceWeightsPlan(source.runId, source.checkpoint, source.train, epochs, sourceDir)
  if (plan.kind === 'as-built') return `evaluating run ${source.runId}'s model as it was built (it trained nothing)`
  if (plan.kind === 'average') {
    const used = averageCheckpoints(sourceDir, plan.from, plan.to, named)
    return `evaluating run ${source.runId}'s weights averaged over epochs ${used.join(', ')}`
  }
  const { epoch } = plan
  const loaded = loadCheckpoint(sourceDir, epoch, named)
  for (const mv of loaded.optimizer.moments) if (mv) tf.dispose([mv.m, mv.v])
  return `evaluating run ${source.runId}'s checkpoint of epoch ${epoch}`
}
