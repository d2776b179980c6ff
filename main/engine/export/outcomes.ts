import { parseEvalMetric, PIVOT_METRICS as METRICS, type PivotMetric as Metric } from '../../../contract'
import type { Db } from '../store/db'
import { latestMetricValues } from '../store/metrics'
import { meanOfSetMeans } from '../stats/bootstrap'
import { listRunsPredictions, type VideoPrediction } from '../store/predictions'

/**
 * What a finished run's evaluation left, per target (`<dataset>/<split>`), for the results table:
 * the stored metrics, and where every evaluated video's prediction is stored, each video's outcome
 * per metric (100 right, 0 wrong) per evaluation set, for intervals and paired tests over videos.
 */

/** One evaluation set's videos (evaluation order) and their outcomes under one metric. */
export interface SetVideos {
  name: string
  videos: string[]
  values: Float64Array
}

export interface MetricOutcome {
  /** The run's result in %: the mean over the target's sets of each set's accuracy. */
  value: number
  /** Per set, each video's outcome; null where the predictions are not stored for every evaluated video. */
  sets: SetVideos[] | null
  /** Videos the result is over (all sets). */
  videos: number | null
}

export type TargetOutcome = Partial<Record<Metric, MetricOutcome>>

/**
 * The rank of the true class among the stored top-5 (0 = first), ties counted against it as the
 * evaluator counts them; 5 when it is not among them.
 */
export function rankInTop5(trueClass: number, trueScore: number, top5: readonly { classIndex: number; score: number }[]): number {
  if (!top5.some((p) => p.classIndex === trueClass)) return 5
  return top5.filter((p) => p.classIndex !== trueClass && p.score >= trueScore).length
}

/** A prediction's outcome under each metric (pair_acc only for a video with an order-only partner). */
function videoOutcomes(p: VideoPrediction): Partial<Record<Metric, number>> {
  const rank = rankInTop5(p.trueClass, p.trueScore, p.top5)
  const out: Partial<Record<Metric, number>> = { top1: rank === 0 ? 100 : 0, top5: rank < 5 ? 100 : 0 }
  if (p.partnerScore !== null) out.pair_acc = p.trueScore > p.partnerScore ? 100 : 0
  return out
}

/** `synthmotion/unseen/unseen classes` → [`synthmotion/unseen`, `unseen classes`]. */
function splitSetKey(key: string): [string, string] {
  const parts = key.split('/')
  return [parts.slice(0, 2).join('/'), parts.slice(2).join('/')]
}

const STORED_STATS = new Set<string>([...METRICS, 'videos'])

/** Each run's outcomes per target. */
export function runOutcomes(db: Db, runIds: readonly number[]): Map<number, Map<string, TargetOutcome>> {
  const out = new Map<number, Map<string, TargetOutcome>>(runIds.map((id) => [id, new Map()]))
  if (runIds.length === 0) return out
  const metricRows = latestMetricValues(db, runIds, 'eval/')
  const stored = new Map<number, Map<string, Partial<Record<Metric | 'videos', number>>>>()
  for (const r of metricRows) {
    const m = parseEvalMetric(r.name)
    if (!m || !STORED_STATS.has(m.stat)) continue
    const byTarget = stored.get(r.runId) ?? new Map<string, Partial<Record<Metric | 'videos', number>>>()
    stored.set(r.runId, byTarget)
    byTarget.set(m.key, { ...byTarget.get(m.key), [m.stat]: r.value })
  }

  const predictions = listRunsPredictions(db, runIds)
  // run → target → set → metric → (videos, values)
  const perVideo = new Map<string, Map<string, Partial<Record<Metric, { videos: string[]; values: number[] }>>>>()
  for (const p of predictions) {
    const [target, set] = splitSetKey(p.evalKey)
    const key = `${p.runId} ${target}`
    const sets = perVideo.get(key) ?? new Map<string, Partial<Record<Metric, { videos: string[]; values: number[] }>>>()
    perVideo.set(key, sets)
    const metrics = sets.get(set) ?? {}
    sets.set(set, metrics)
    for (const [metric, value] of Object.entries(videoOutcomes(p)) as [Metric, number][]) {
      const list = (metrics[metric] ??= { videos: [], values: [] })
      list.videos.push(p.video)
      list.values.push(value)
    }
  }

  for (const [runId, byTarget] of stored) {
    for (const [target, values] of byTarget) {
      const sets = perVideo.get(`${runId} ${target}`)
      const storedVideos = sets ? [...sets.values()].reduce((n, s) => n + (s.top1?.videos.length ?? 0), 0) : 0
      // Intervals over videos only where every evaluated video's prediction is stored.
      const complete = sets !== undefined && storedVideos === values.videos
      const outcome: TargetOutcome = {}
      for (const metric of METRICS) {
        if (values[metric] === undefined) continue
        const videoSets = complete ? [...sets.entries()].flatMap(([name, m]) => (m[metric] ? [{ name, videos: m[metric].videos, values: Float64Array.from(m[metric].values) }] : [])) : null
        const usable = videoSets && videoSets.length > 0 ? videoSets : null
        outcome[metric] = {
          value: usable ? meanOfSetMeans(usable.map((s) => s.values)) : values[metric],
          sets: usable,
          videos: usable ? usable.reduce((n, s) => n + s.values.length, 0) : metric === 'pair_acc' ? null : (values.videos ?? null),
        }
      }
      out.get(runId)!.set(target, outcome)
    }
  }
  return out
}
