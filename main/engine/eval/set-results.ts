import type { RunContext } from '../runs/executor'
import { RunCancelled } from '../runs/executor'
import { coverageMessage, coverageMetrics, pooled, saveCoverage, type SetCoverage } from './coverage'
import { meanStd } from './metrics'

/**
 * What is stored of an evaluation target, set by set: each subset/split's accuracies and coverage as
 * soon as it is done (so a later set's failure keeps them), then the target's mean ± std. A failing set
 * ends the run with an error that says which sets finished and where their results are.
 */

export interface SetOutcome {
  name: string
  top1: number
  top5: number
  videos: number
  coverage: SetCoverage
  /** SynthMotion: accuracy of telling each class from its order-only partner. */
  pairAccuracy: number | null
}

/** `eval/<key>/<set name with _ for spaces>`: where a set's own metrics live (`eval/ucf101/ep1/subset_3/top1`). */
export function setMetricPrefix(key: string, setName: string): string {
  return `eval/${key}/${setName.replace(/\s+/g, '_')}`
}

/** A set's own metrics; none for a target of one set (its target metrics are the set's). */
export function setMetrics(key: string, o: SetOutcome, multi: boolean): Record<string, number> {
  if (!multi) return {}
  const prefix = setMetricPrefix(key, o.name)
  return { [`${prefix}/top1`]: o.top1, [`${prefix}/top5`]: o.top5, [`${prefix}/videos`]: o.videos, ...coverageMetrics(prefix, o.coverage) }
}

/** The target's metrics over all its sets: mean top-1/top-5, sample std, n, videos, and the pooled coverage. */
export function targetMetrics(key: string, outcomes: readonly SetOutcome[]): Record<string, number> {
  const top1 = meanStd(outcomes.map((o) => o.top1))
  const values: Record<string, number> = {
    [`eval/${key}/top1`]: top1.mean,
    [`eval/${key}/top5`]: meanStd(outcomes.map((o) => o.top5)).mean,
    [`eval/${key}/n`]: top1.n,
    [`eval/${key}/videos`]: outcomes.reduce((n, o) => n + o.videos, 0),
    ...coverageMetrics(`eval/${key}`, pooled(outcomes.map((o) => o.coverage))),
  }
  if (top1.std !== null) values[`eval/${key}/top1_std`] = top1.std
  const pairs = outcomes.map((o) => o.pairAccuracy).filter((x): x is number => x !== null)
  if (pairs.length) values[`eval/${key}/pair_acc`] = meanStd(pairs).mean
  return values
}

/** Logs a finished set (accuracy, then missing/broken counts with a warning over the threshold) and records its metrics and coverage. */
export function recordSetOutcome(ctx: RunContext, step: number, key: string, o: SetOutcome, multi: boolean, warnUnusablePct: number): void {
  const what = `${key}${multi ? ` ${o.name}` : ''}`
  const pairs = o.pairAccuracy === null ? '' : `; order-only pairs ${o.pairAccuracy.toFixed(1)} %`
  ctx.log(`${what}: top-1 ${o.top1.toFixed(2)} %, top-5 ${o.top5.toFixed(2)} % over ${o.videos} videos${pairs}`)
  const coverage = coverageMessage(what, o.coverage, warnUnusablePct)
  if (coverage) ctx.log(coverage)
  ctx.out.metrics(step, ctx.config.train.epochs, setMetrics(key, o, multi))
  saveCoverage(ctx.out, step, `${key}/${o.name}`, o.coverage, warnUnusablePct)
}

/**
 * The error that ends a run when set `failed` of a target throws: names the set, the cause, and the sets
 * done before it (whose results are stored). A cancel passes through unchanged.
 */
export function setFailure(key: string, failed: string, done: readonly SetOutcome[], total: number, cause: unknown): Error {
  if (cause instanceof RunCancelled) return cause
  const why = cause instanceof Error ? cause.message : String(cause)
  const kept = done.length
    ? `; the ${done.length} of ${total} sets finished before it (${done.map((o) => o.name).join(', ')}) are stored as ${setMetricPrefix(key, '<set>')}/…, the target's mean is not`
    : total > 1
      ? `; it was the first of ${total} sets, so nothing of ${key} is stored`
      : ''
  const err = new Error(`evaluation ${key} ${failed} failed: ${why}${kept}`)
  err.cause = cause
  return err
}
