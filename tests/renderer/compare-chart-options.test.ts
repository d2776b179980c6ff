import { describe, expect, it } from 'vitest'
import type { MetricPoint } from '../../contract/api-runtime'
import { compareChartOptions, compareColour } from '../../renderer/charts/compare-chart-options'
import { seedBand } from '../../renderer/charts/seed-bands'

/** Points at steps 10, 20, … handed over newest first, so the builder must order them. */
const pts = (runId: number, values: number[]): MetricPoint[] => values.map((value, i) => ({ runId, step: (i + 1) * 10, epoch: null, name: 'train/loss', value, time: null })).reverse()

type Series = { name: string; data: [number, number][]; lineStyle: { opacity?: number } }

describe('compare chart options', () => {
  it('overlays per run a faint raw curve and its smoothed curve, both labelled, smoothed over the full series', () => {
    const o = compareChartOptions('train/loss', [{ runId: 1, label: '#1 a', points: pts(1, [1, 2, 3]) }, { runId: 2, label: '#2 b', points: pts(2, [5]) }], 0.5)
    const series = o.series as Series[]
    expect(series.map((s) => s.name)).toEqual(['#1 a (raw)', '#1 a (smoothed 0.50)', '#2 b (raw)', '#2 b (smoothed 0.50)'])
    expect(series[0]!.data).toEqual([[10, 1], [20, 2], [30, 3]])
    expect(series[0]!.lineStyle.opacity).toBeLessThan(0.5)
    expect(series[1]!.data.map((p) => p[1])).toEqual([1, 5 / 3, 17 / 7].map((v) => expect.closeTo(v, 12)))
  })

  it('shows only the raw curves when smoothing is off', () => {
    const o = compareChartOptions('train/loss', [{ runId: 1, label: '#1 a', points: pts(1, [1, 2]) }], 0)
    expect((o.series as Series[]).map((s) => s.name)).toEqual(['#1 a (raw)'])
  })

  it('plots over epochs or on a log scale (leaving out what such an axis cannot place), a lone point as a point', () => {
    const points: MetricPoint[] = [
      { runId: 1, step: 10, epoch: 0.5, name: 'train/loss', value: 2, time: null },
      { runId: 1, step: 20, epoch: null, name: 'train/loss', value: 1, time: null },
      { runId: 1, step: 30, epoch: 1.5, name: 'train/loss', value: 0, time: null },
    ]
    const byEpoch = compareChartOptions('train/loss', [{ runId: 1, label: '#1 a', points }], 0, { x: 'epoch', log: false })
    expect((byEpoch.series as Series[])[0]!.data).toEqual([[0.5, 2], [1.5, 0]])
    expect((byEpoch.xAxis as { name: string }).name).toBe('epoch')
    const log = compareChartOptions('train/loss', [{ runId: 1, label: '#1 a', points }], 0, { x: 'step', log: true })
    expect((log.series as Series[])[0]!.data).toEqual([[10, 2], [20, 1]])
    expect((log.yAxis as { type: string }).type).toBe('log')
    const lone = compareChartOptions('eval/ucf101/ep1/top1', [{ runId: 2, label: '#2 b', points: pts(2, [40]) }], 0)
    expect((lone.series as { showSymbol: boolean }[])[0]!.showSymbol).toBe(true)
  })

  it('gives 24 runs 24 different colours', () => {
    expect(new Set(Array.from({ length: 24 }, (_, i) => compareColour(i))).size).toBe(24)
  })

  it('plots over wall time on a time axis, leaving out points stored without a time', () => {
    const points: MetricPoint[] = [
      { runId: 1, step: 1, epoch: null, name: 'train/loss', value: 2, time: '2026-01-01T12:00:00.000Z' },
      { runId: 1, step: 2, epoch: null, name: 'train/loss', value: 1, time: null },
      { runId: 1, step: 3, epoch: null, name: 'train/loss', value: 0.5, time: '2026-01-01T12:05:00.000Z' },
    ]
    const o = compareChartOptions('train/loss', [{ runId: 1, label: '#1 a', points }], 0, { x: 'wall', log: false })
    expect((o.xAxis as { type: string; name: string })).toMatchObject({ type: 'time', name: 'wall time' })
    expect((o.series as Series[])[0]!.data).toEqual([[Date.UTC(2026, 0, 1, 12, 0), 2], [Date.UTC(2026, 0, 1, 12, 5), 0.5]])
  })

  it('draws a seed group as its mean with a min–max band, a group of one as its mean alone', () => {
    const curves = [
      { runId: 1, label: '#1 a,seed=0', points: pts(1, [1, 4]) },
      { runId: 2, label: '#2 a,seed=1', points: pts(2, [3, 2, 9]) },
      { runId: 3, label: '#3 b', points: pts(3, [5]) },
    ]
    const groups = [{ label: 'a', runIds: [1, 2], colour: 'red' }, { label: 'b', runIds: [3], colour: 'blue' }]
    const o = compareChartOptions('train/loss', curves, 0, { x: 'step', log: false, band: 'minmax' }, groups)
    const series = o.series as (Series & { type: string })[]
    expect(series.map((s) => [s.type, s.name])).toEqual([['custom', 'a (min–max)'], ['line', 'a (mean of 2)'], ['line', 'b (mean of 1)']])
    // Steps 10, 20 have both seeds (1|3, 4|2), step 30 only seed 1 (9): no spread there.
    expect(series[1]!.data).toEqual([[10, 2], [20, 3], [30, 9]])
    expect(series[0]!.data).toEqual([[10, 3], [20, 4], [30, 9], [30, 9], [20, 2], [10, 1]])
    expect(series[2]!.data).toEqual([[10, 5]])
  })
})

describe('seed bands', () => {
  const seed = (ys: number[]) => new Map(ys.map((y, i) => [i, [i, y] as const]))
  it('is the 95 % t interval of the mean over seeds: mean ± t(0.975, n−1)·s/√n', () => {
    // ys 1, 2, 3: mean 2, s = 1, t(0.975, 2) = 4.303 → half-width 4.303/√3.
    const [p] = seedBand([seed([1]), seed([2]), seed([3])], 'ci95')
    expect(p!.mean).toBe(2)
    expect(p!.n).toBe(3)
    expect(p!.low).toBeCloseTo(2 - 4.303 / Math.sqrt(3), 10)
    expect(p!.high).toBeCloseTo(2 + 4.303 / Math.sqrt(3), 10)
  })
  it('lines seeds up by step and places the point at their mean x', () => {
    const a = new Map([[10, [100, 1] as const]])
    const b = new Map([[10, [300, 3] as const]])
    expect(seedBand([a, b], 'minmax')).toEqual([{ x: 200, mean: 2, low: 1, high: 3, n: 2 }])
  })
})
