import { ContractError, type CheckpointChoice, type ParsedCommandInput, type RunDetail } from '../../../contract'
import { diffFrom, deepMerge } from '../experiments/diff'
import { pinnedGraphRef } from '../experiments/pin-graph'
import { DEFAULT_CONFIG } from '../experiments/resolve'
import { ExperimentConfig } from '../experiments/schema'
import { getGraphSummary } from '../store/knowledge-graphs'
import type { Db } from '../store/db'
import { enqueue } from '../store/queue'
import { getRunSource, runNames, setRunSource } from '../store/run-sources'
import { createRun, getRun } from '../store/runs'
import { checkpointEpochs } from '../train/checkpoint'
import { evalKey } from '../../../contract/vocabulary'

/**
 * "Evaluate again": a new run in the source run's experiment whose config is the source's with
 * training skipped (`train.epochs: 0`) and the evaluation targets and/or text replaced. It waits in
 * the queue like any run; its executor loads the source's checkpoint instead of training
 * (eval/source-checkpoint.ts), so its results land in the experiment's pivot.
 */

export type EvaluateInput = ParsedCommandInput<'runs.evaluate'>

export interface EvaluationPlan {
  experimentId: number
  name: string
  config: ExperimentConfig
  configDiff: Record<string, unknown>
  sourceRunId: number
  checkpoint: string
}

function formatIssues(what: string, error: { issues: { path: PropertyKey[]; message: string }[] }): string {
  return `${what}: ${error.issues.map((i) => `${i.path.map(String).join('.') || '(value)'}: ${i.message}`).join('; ')}`
}

/** A stored checkpoint choice (`final`, `averaged`, `3`) back as the contract's value. */
function parseCheckpoint(text: string): CheckpointChoice {
  return text === 'final' || text === 'averaged' ? text : Number(text)
}

/** Checks that the checkpoint asked for exists in the source run's folder. */
function checkCheckpoint(source: RunDetail, config: ExperimentConfig, choice: CheckpointChoice, runDir: string): void {
  const epochs = checkpointEpochs(runDir)
  if (typeof choice === 'number') {
    if (!epochs.includes(choice)) throw new ContractError('invalid_input', `run ${source.id} has no checkpoint of epoch ${choice} (it has ${epochs.join(', ') || 'none'}); pick one of those, or "final"`)
    return
  }
  if (source.status !== 'done') throw new ContractError('conflict', `run ${source.id} is ${source.status}; its ${choice} weights exist once it is done (or pick an epoch checkpoint: ${epochs.join(', ') || 'none yet'})`)
  if (choice === 'averaged' && epochs.length === 0) throw new ContractError('invalid_input', `run ${source.id} trained nothing (no checkpoints), so it has no averaged weights; use "final"`)
  if (choice === 'final' && epochs.length === 0 && config.train.epochs > 0 && config.model.adaptation.mode !== 'frozen')
    throw new ContractError('invalid_input', `run ${source.id} has no checkpoint in ${runDir}; its folder was removed or it never finished an epoch`)
}

/** A short description of what the new run changes: `eval ucf101/ep1`, `text promptSet=c`, `graph #4`. */
function describeChange(evals: ExperimentConfig['eval'] | null, text: EvaluateInput['text'], checkpoint: CheckpointChoice): string {
  const parts: string[] = []
  if (evals) parts.push(`eval ${evals.map(evalKey).join('+')}`)
  if (text?.promptSet) parts.push(`prompts ${text.promptSet}`)
  if (text?.graphVersionId) parts.push(`graph #${text.graphVersionId}`)
  if (checkpoint !== 'final') parts.push(typeof checkpoint === 'number' ? `epoch ${checkpoint}` : checkpoint)
  return parts.join('; ') || 'again'
}

/**
 * `full,wsm,seed=1` evaluated with prompts c → `full,wsm,[prompts c],seed=1`: the change joins the
 * variant's name before its seed, so the pivot pools the re-evaluations of a variant's seeds in one row.
 */
export function evaluationName(sourceName: string, change: string): string {
  const parts = sourceName.replace(/ #\d+$/, '').split(',')
  const seeds = parts.filter((p) => /^seed=\d+$/.test(p))
  const variant = parts.filter((p) => !/^seed=\d+$/.test(p) && p !== 'default')
  return [...variant, `[${change}]`, ...seeds].join(',')
}

/**
 * Whose weights evaluating `input.runId` again evaluates, and which: the run's own, or for an
 * evaluation-only run its own source's (the checkpoint it used, for "final").
 */
export function weightsToEvaluate(db: Db, input: Pick<EvaluateInput, 'runId' | 'checkpoint'>): { runId: number; checkpoint: CheckpointChoice } {
  const origin = getRunSource(db, input.runId)
  if (!origin) return { runId: input.runId, checkpoint: input.checkpoint }
  return { runId: origin.sourceRunId, checkpoint: input.checkpoint === 'final' ? parseCheckpoint(origin.checkpoint) : input.checkpoint }
}

/**
 * Plans the new run. Evaluating an evaluation-only run again evaluates the weights it evaluated: its
 * own source run's checkpoint (the one it used, for "final"). `runDir(id)` is a run's folder.
 */
export function planEvaluation(db: Db, input: EvaluateInput, runDir: (runId: number) => string): EvaluationPlan {
  const source = getRun(db, input.runId)
  const parsedSource = ExperimentConfig.safeParse(source.config)
  if (!parsedSource.success) throw new ContractError('invalid_input', formatIssues(`run ${source.id}'s stored config no longer validates`, parsedSource.error))
  const base = parsedSource.data
  const { runId: weightsRunId, checkpoint } = weightsToEvaluate(db, input)
  const weights = getRun(db, weightsRunId)
  checkCheckpoint(weights, ExperimentConfig.parse(weights.config), checkpoint, runDir(weights.id))

  const evals = input.evals ?? null
  if (input.text?.graphVersionId !== undefined) getGraphSummary(db, input.text.graphVersionId)
  const text = { ...base.text, ...(input.text?.promptSet ? { promptSet: input.text.promptSet } : {}), ...(input.text?.graphVersionId ? { graph: `#${input.text.graphVersionId}` } : {}) }
  const merged = ExperimentConfig.parse(deepMerge(base, { train: { epochs: 0, averaging: null }, text, ...(evals ? { eval: evals } : {}) }))
  const config = { ...merged, text: { ...merged.text, graph: pinnedGraphRef(db, merged) } }

  const taken = runNames(db, source.experimentId)
  const stem = evaluationName(source.name, describeChange(evals, input.text, input.checkpoint))
  let name = stem
  for (let i = 2; taken.has(name); i++) name = `${stem} #${i}`
  return { experimentId: source.experimentId, name, config, configDiff: diffFrom(DEFAULT_CONFIG, config, ['name', 'description']), sourceRunId: weights.id, checkpoint: String(checkpoint) }
}

/** Creates the planned run, linked to its source, and queues it (one transaction). Returns its id. */
export function queueEvaluation(db: Db, plan: EvaluationPlan, provenance: { gitCommit: string | null; backend: string | null; host: string }): number {
  return db.transaction(() => {
    const run = createRun(db, { experimentId: plan.experimentId, name: plan.name, config: plan.config, configDiff: plan.configDiff, seed: plan.config.seed, ...provenance })
    setRunSource(db, run.id, { sourceRunId: plan.sourceRunId, checkpoint: plan.checkpoint })
    enqueue(db, run.id)
    return run.id
  })()
}
