import { describe, expect, it } from 'vitest'
import type { MetricPoint } from '../../contract/api-runtime'
import { compareChartOptions } from '../../renderer/charts/compare-chart-options'

/** Points at steps 10, 20, … handed over newest first, so the builder must order them. */
const pts = (runId: number, values: number[]): MetricPoint[] => values.map((value, i) => ({ runId, step: (i + 1) * 10, epoch: null, name: 'train/loss', value })).reverse()

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
})
