import type { MetricPoint } from '../../contract/api-runtime'

const PALETTE = ['#5b9dff', '#3ecf8e', '#f5b94a', '#ff6b6b', '#b48cff', '#4dd0e1']

/**
 * ECharts option for a run's metric curves: one line per metric over steps. Metrics whose name
 * says they are accuracies share a right-hand 0–100 axis; the rest (losses…) use the left one.
 */
export function metricChartOptions(points: MetricPoint[]): Record<string, unknown> {
  const byName = new Map<string, [number, number][]>()
  for (const p of points) {
    if (!byName.has(p.name)) byName.set(p.name, [])
    byName.get(p.name)!.push([p.step, p.value])
  }
  const isAccuracy = (name: string): boolean => /acc|top\d/i.test(name)
  const names = [...byName.keys()].sort()
  const hasAcc = names.some(isAccuracy)
  return {
    backgroundColor: 'transparent',
    color: PALETTE,
    animation: false,
    grid: { left: 48, right: hasAcc ? 48 : 16, top: 36, bottom: 32 },
    legend: { top: 0, textStyle: { color: '#8b95a7' } },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'value', name: 'step', nameLocation: 'middle', nameGap: 22, axisLabel: { color: '#8b95a7' }, splitLine: { show: false } },
    yAxis: [
      { type: 'value', scale: true, axisLabel: { color: '#8b95a7' }, splitLine: { lineStyle: { color: '#262e3b' } } },
      ...(hasAcc ? [{ type: 'value', min: 0, max: 100, axisLabel: { color: '#8b95a7', formatter: '{value}%' }, splitLine: { show: false } }] : []),
    ],
    series: names.map((name) => ({
      name,
      type: 'line',
      showSymbol: false,
      yAxisIndex: hasAcc && isAccuracy(name) ? 1 : 0,
      data: byName.get(name)!.sort((a, b) => a[0] - b[0]),
    })),
  }
}
