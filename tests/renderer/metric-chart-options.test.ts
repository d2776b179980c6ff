import { describe, expect, it } from 'vitest'
import { metricChartOptions } from '../../renderer/charts/metric-chart-options'

const points = [
  { runId: 1, step: 2, epoch: 1, name: 'loss', value: 1.5, time: null },
  { runId: 1, step: 1, epoch: 0.5, name: 'loss', value: 2.5, time: null },
  { runId: 1, step: 2, epoch: 1, name: 'top1', value: 40, time: null },
]

describe('metric chart', () => {
  it('draws one line per metric, sorted by step, accuracies on a 0–100 % axis', () => {
    const o = metricChartOptions(points) as { series: { name: string; yAxisIndex: number; data: number[][] }[]; yAxis: unknown[] }
    expect(o.series.map((s) => [s.name, s.yAxisIndex])).toEqual([
      ['loss', 0],
      ['top1', 1],
    ])
    expect(o.series[0]!.data).toEqual([
      [1, 2.5],
      [2, 1.5],
    ])
    expect(o.yAxis).toHaveLength(2)
    expect((metricChartOptions(points.slice(0, 2)) as { yAxis: unknown[] }).yAxis).toHaveLength(1)
  })
})
