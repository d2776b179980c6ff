import { describe, expect, it } from 'vitest'
import type { MetricPoint } from '../../contract/api-runtime'
import { compareChartOptions, compareColour } from '../../renderer/charts/compare-chart-options'

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

  it('plots over epochs or on a log scale (leaving out what such an axis cannot place), a lone point as a point', () => {
    const points: MetricPoint[] = [
      { runId: 1, step: 10, epoch: 0.5, name: 'train/loss', value: 2 },
      { runId: 1, step: 20, epoch: null, name: 'train/loss', value: 1 },
      { runId: 1, step: 30, epoch: 1.5, name: 'train/loss', value: 0 },
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
})
