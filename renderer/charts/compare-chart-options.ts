import type { MetricPoint } from '../../contract/api-runtime'
import { escapeHtml } from './escape-html'
import { debiasedEma } from './smoothing'

export const COMPARE_PALETTE = ['#5b9dff', '#3ecf8e', '#f5b94a', '#ff6b6b', '#b48cff', '#4dd0e1', '#ff9f6b', '#9fe870']

/**
 * The colour of the i-th compared run: the palette's eight, then hues a golden angle apart (lightness
 * alternating), so 20 and more runs stay told apart instead of repeating the palette.
 */
export function compareColour(i: number): string {
  if (i < COMPARE_PALETTE.length) return COMPARE_PALETTE[i]!
  const k = i - COMPARE_PALETTE.length
  return `hsl(${Math.round((k * 137.508 + 20) % 360)}, 70%, ${k % 2 ? 58 : 70}%)`
}

/** The x axis (optimizer step, or epoch where the points have one) and whether the y axis is logarithmic. */
export interface CompareAxes {
  x: 'step' | 'epoch'
  log: boolean
}

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
export function compareChartOptions(metric: string, curves: readonly CompareCurve[], weight: number, axes: CompareAxes = { x: 'step', log: false }): Record<string, unknown> {
  const xOf = (p: MetricPoint) => (axes.x === 'epoch' ? p.epoch : p.step)
  const series = curves.flatMap((c, i) => {
    const color = compareColour(i)
    // A log axis cannot place values ≤ 0; an epoch axis, points without an epoch.
    const sorted = [...c.points].filter((p) => xOf(p) !== null && (!axes.log || p.value > 0)).sort((a, b) => a.step - b.step)
    const raw = sorted.map((p) => [xOf(p), p.value])
    const line = { type: 'line', showSymbol: sorted.length === 1, symbolSize: 6, sampling: 'lttb', color }
    if (weight === 0) return [{ ...line, name: `${c.label} (raw)`, data: raw, lineStyle: { width: 1.5 } }]
    const smooth = debiasedEma(sorted.map((p) => p.value), weight)
    return [
      { ...line, name: `${c.label} (raw)`, data: raw, lineStyle: { width: 1, opacity: 0.28 }, itemStyle: { opacity: 0.28 }, z: 1 },
      { ...line, name: `${c.label} (smoothed ${weight.toFixed(2)})`, data: sorted.map((p, k) => [xOf(p), smooth[k]!]), lineStyle: { width: 2 }, z: 2 },
    ]
  })
  return {
    backgroundColor: 'transparent',
    animation: false,
    grid: { left: 56, right: 20, top: 52, bottom: 36 },
    legend: { top: 0, type: 'scroll', textStyle: { color: '#8b95a7' } },
    tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => (typeof v === 'number' ? v.toPrecision(4) : escapeHtml(String(v))) },
    xAxis: { type: 'value', name: axes.x, nameLocation: 'middle', nameGap: 24, axisLabel: { color: '#8b95a7' }, splitLine: { show: false } },
    yAxis: { type: axes.log ? 'log' : 'value', name: axes.log ? `${metric} (log)` : metric, nameTextStyle: { color: '#8b95a7', align: 'left' }, scale: true, axisLabel: { color: '#8b95a7' }, splitLine: { lineStyle: { color: '#262e3b' } } },
    series,
  }
}
