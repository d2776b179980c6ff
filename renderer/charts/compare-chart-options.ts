import type { MetricPoint } from '../../contract/api-runtime'
import { escapeHtml } from './escape-html'
import { debiasedEma } from './smoothing'

export const COMPARE_PALETTE = ['#5b9dff', '#3ecf8e', '#f5b94a', '#ff6b6b', '#b48cff', '#4dd0e1', '#ff9f6b', '#9fe870']

export interface CompareCurve {
  runId: number
  /** How the legend names the run, e.g. "#3 frozen,seed=0". */
  label: string
  /** The run's points of the plotted metric, any order. */
  points: readonly MetricPoint[]
}

/**
 * ECharts option overlaying one metric of several runs: per run its raw curve (faint) and its
 * debiased-EMA smoothed curve, both named in the legend. Smoothing runs on the full series; ECharts
 * downsamples (LTTB) only what it draws.
 */
export function compareChartOptions(metric: string, curves: readonly CompareCurve[], weight: number): Record<string, unknown> {
  const series = curves.flatMap((c, i) => {
    const color = COMPARE_PALETTE[i % COMPARE_PALETTE.length]
    const sorted = [...c.points].sort((a, b) => a.step - b.step)
    const raw = sorted.map((p) => [p.step, p.value])
    const line = { type: 'line', showSymbol: sorted.length === 1, symbolSize: 6, sampling: 'lttb', color }
    if (weight === 0) return [{ ...line, name: `${c.label} (raw)`, data: raw, lineStyle: { width: 1.5 } }]
    const smooth = debiasedEma(sorted.map((p) => p.value), weight)
    return [
      { ...line, name: `${c.label} (raw)`, data: raw, lineStyle: { width: 1, opacity: 0.28 }, itemStyle: { opacity: 0.28 }, z: 1 },
      { ...line, name: `${c.label} (smoothed ${weight.toFixed(2)})`, data: sorted.map((p, k) => [p.step, smooth[k]!]), lineStyle: { width: 2 }, z: 2 },
    ]
  })
  return {
    backgroundColor: 'transparent',
    animation: false,
    grid: { left: 56, right: 20, top: 52, bottom: 36 },
    legend: { top: 0, type: 'scroll', textStyle: { color: '#8b95a7' } },
    tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => (typeof v === 'number' ? v.toPrecision(4) : escapeHtml(String(v))) },
    xAxis: { type: 'value', name: 'step', nameLocation: 'middle', nameGap: 24, axisLabel: { color: '#8b95a7' }, splitLine: { show: false } },
    yAxis: { type: 'value', name: metric, nameTextStyle: { color: '#8b95a7', align: 'left' }, scale: true, axisLabel: { color: '#8b95a7' }, splitLine: { lineStyle: { color: '#262e3b' } } },
    series,
  }
}
