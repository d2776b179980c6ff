import type { MetricDelta, MetricStat, PivotMetric as Metric } from '../../../contract'
import { meanStd } from '../eval/metrics'
import { bootstrapSetMeans } from '../stats/bootstrap'
import { discordant, mcnemarExact } from '../stats/mcnemar'
import { tInterval } from '../../../contract/t-interval'
import type { MetricOutcome, TargetOutcome } from './outcomes'

/**
 * The statistics of one cell (a row's runs on one target, one metric) and of its paired difference
 * from the baseline row. A seed's value is the mean of its runs (repeats); the cell's mean, std and n
 * are over seeds. The 95 % interval is a Student-t interval over seeds where the row has 3 or more,
 * else a bootstrap over the test videos (the seeds' per-video outcomes averaged, videos resampled
 * within each evaluation set). A difference pairs the two rows seed by seed on the same videos: its
 * interval and p-value are a paired bootstrap over videos, or, for one run against one run on one
 * set, McNemar's exact test gives the p-value.
 */

/** Outcomes by seed (each seed's runs on the target that have the metric). */
export type SeedOutcomes = Map<number, MetricOutcome[]>

export function seedOutcomes(seeds: Map<number, number[]>, outcomes: Map<number, Map<string, TargetOutcome>>, target: string, metric: Metric): SeedOutcomes {
  const out: SeedOutcomes = new Map()
  for (const [seed, runIds] of [...seeds].sort((a, b) => a[0] - b[0])) {
    const list = runIds.flatMap((id) => {
      const o = outcomes.get(id)?.get(target)?.[metric]
      return o ? [o] : []
    })
    if (list.length) out.set(seed, list)
  }
  return out
}

const average = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length

const seedValue = (runs: readonly MetricOutcome[]): number => average(runs.map((r) => r.value))

/**
 * Per evaluation set, each video's outcome averaged over the runs of a seed and then over the seeds;
 * null unless every run stored every video's prediction, with the same sets and videos.
 */
function averagedVideos(bySeed: readonly (readonly MetricOutcome[])[]): Float64Array[] | null {
  const runs = bySeed.flat()
  const first = runs[0]?.sets
  if (!first || runs.some((r) => !r.sets || r.sets.length !== first.length || r.sets.some((s, i) => s.name !== first[i]!.name || s.videos.join('\n') !== first[i]!.videos.join('\n')))) return null
  return first.map((_, i) => {
    const out = new Float64Array(first[i]!.values.length)
    for (const seedRuns of bySeed) for (const r of seedRuns) {
      const v = r.sets![i]!.values
      for (let k = 0; k < out.length; k++) out[k]! += v[k]! / (seedRuns.length * bySeed.length)
    }
    return out
  })
}

const fewestVideos = (runs: readonly MetricOutcome[]): number | null => (runs.some((r) => r.videos === null) ? null : Math.min(...runs.map((r) => r.videos!)))

export function cellStat(bySeed: SeedOutcomes): MetricStat {
  const values = [...bySeed.values()].map(seedValue)
  const { mean, std, n } = meanStd(values)
  const videos = fewestVideos([...bySeed.values()].flat())
  if (n >= 3) {
    // An accuracy lies in 0…100: so does its interval (a t interval around 93 ± 8 would reach 101).
    const [lo, hi] = tInterval(values).ci95
    return { mean, std, n, ci95: [Math.max(0, lo), Math.min(100, hi)], ciOver: 'seeds', videos, best: false }
  }
  const sets = averagedVideos([...bySeed.values()])
  return { mean, std, n, ci95: sets ? bootstrapSetMeans(sets).ci95 : null, ciOver: sets ? 'videos' : null, videos, best: false }
}

/** Whether both sides are one run each, on one set, of 0/100 outcomes: McNemar's table applies. */
function singleBinaryPair(a: readonly (readonly MetricOutcome[])[], b: readonly (readonly MetricOutcome[])[]): [Float64Array, Float64Array] | null {
  if (a.length !== 1 || b.length !== 1 || a[0]!.length !== 1 || b[0]!.length !== 1) return null
  const [sa, sb] = [a[0]![0]!.sets, b[0]![0]!.sets]
  if (sa?.length !== 1 || sb?.length !== 1) return null
  return [sa[0]!.values, sb[0]!.values]
}

export function deltaStat(row: SeedOutcomes, base: SeedOutcomes): MetricDelta {
  const shared = [...row.keys()].filter((s) => base.has(s))
  // Seed by seed where the rows share seeds; else the rows' pooled results against each other.
  const a = shared.length ? shared.map((s) => row.get(s)!) : [[...row.values()].flat()]
  const b = shared.length ? shared.map((s) => base.get(s)!) : [[...base.values()].flat()]
  const diffs = a.map((runs, i) => seedValue(runs) - seedValue(b[i]!))
  const { mean, std, n } = meanStd(diffs)
  // Paired only where every run of both sides was scored on the same sets and videos.
  const setsA = averagedVideos([...a, ...b]) && averagedVideos(a)
  const setsB = averagedVideos(b)
  if (!setsA || !setsB) return { mean, std, n, ci95: null, p: null, test: null, significant: false }
  const boot = bootstrapSetMeans(setsA.map((s, i) => s.map((v, k) => v - setsB[i]![k]!)))
  const binary = singleBinaryPair(a, b)
  let p = boot.p
  if (binary) {
    const table = discordant(binary[0].map((v) => v / 100), binary[1].map((v) => v / 100))
    p = mcnemarExact(table.b, table.c)
  }
  return { mean, std, n, ci95: boot.ci95, p, test: binary ? 'McNemar exact' : 'paired bootstrap over videos', significant: p < 0.05 }
}
