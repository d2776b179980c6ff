import type { MetricPoint } from '../../contract/api-runtime'
import { escapeHtml } from './escape-html'
import { BAND_NAMES, seedBand, type CompareBand, type SeedCurve } from './seed-bands'
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

export const COMPARE_X = ['step', 'epoch', 'wall'] as const
/** The x axis: the optimizer step, the epoch (where the points have one), or the wall-clock time each point was recorded. */
export type CompareX = (typeof COMPARE_X)[number]

/** The axes every panel shares, and whether seed groups are drawn as a mean with a band instead of a line per run. */
export interface CompareAxes {
  x: CompareX
  log: boolean
  band?: CompareBand
}

export interface CompareCurve {
  runId: number
  /** How the legend names the run, e.g. "#3 frozen,seed=0". */
  label: string
  /** The run's points of the plotted metric, any order. */
  points: readonly MetricPoint[]
  /** The run's colour (its swatch's); default: by its place among the curves. */
  colour?: string
}

/** Runs that differ only in their seed (the engine's grouping), drawn together when a band is asked for. */
export interface CurveGroup {
  label: string
  runIds: readonly number[]
  colour: string
}

const xOf = (x: CompareX) => (p: MetricPoint): number | null => (x === 'epoch' ? p.epoch : x === 'wall' ? (p.time === null ? null : Date.parse(p.time)) : p.step)

/** A curve's points that the axes can place (a log axis no values ≤ 0, an epoch or time axis no points without one), by step, and their y (smoothed on the full series). */
function placed(c: CompareCurve, axes: CompareAxes, weight: number): { step: number; x: number; raw: number; y: number }[] {
  const x = xOf(axes.x)
  const sorted = [...c.points].filter((p) => x(p) !== null && (!axes.log || p.value > 0)).sort((a, b) => a.step - b.step)
  const ys = weight === 0 ? sorted.map((p) => p.value) : debiasedEma(sorted.map((p) => p.value), weight)
  return sorted.map((p, k) => ({ step: p.step, x: x(p)!, raw: p.value, y: ys[k]! }))
}

const lineOf = (points: number, color: string) => ({ type: 'line', showSymbol: points === 1, symbolSize: 6, sampling: 'lttb', color })

/** Per run its raw curve (faint) and its debiased-EMA smoothed curve, both in the legend. */
function runSeries(curves: readonly CompareCurve[], weight: number, axes: CompareAxes): Record<string, unknown>[] {
  return curves.flatMap((c, i) => {
    const pts = placed(c, axes, weight)
    const line = lineOf(pts.length, c.colour ?? compareColour(i))
    const raw = pts.map((p) => [p.x, p.raw])
    if (weight === 0) return [{ ...line, name: `${c.label} (raw)`, data: raw, lineStyle: { width: 1.5 } }]
    return [
      { ...line, name: `${c.label} (raw)`, data: raw, lineStyle: { width: 1, opacity: 0.28 }, itemStyle: { opacity: 0.28 }, z: 1 },
      { ...line, name: `${c.label} (smoothed ${weight.toFixed(2)})`, data: pts.map((p) => [p.x, p.y]), lineStyle: { width: 2 }, z: 2 },
    ]
  })
}

/** The band as one closed polygon (upper edge forward, lower edge back); its points are the series' data, so the axes span it. */
function bandSeries(name: string, color: string, upper: number[][], lower: number[][]): Record<string, unknown> {
  const outline = [...upper, ...[...lower].reverse()]
  return {
    type: 'custom',
    name,
    color,
    silent: true,
    z: 0,
    data: outline,
    encode: { x: 0, y: 1 },
    renderItem: (params: { dataIndex: number }, api: { coord: (p: number[]) => number[]; style: () => Record<string, unknown> }) =>
      params.dataIndex === 0 ? { type: 'polygon', shape: { points: outline.map((p) => api.coord(p)) }, style: { fill: color, opacity: 0.2 } } : null,
  }
}

/** Per seed group the mean of its runs' (smoothed) curves and the band over its seeds. */
function groupSeries(curves: readonly CompareCurve[], groups: readonly CurveGroup[], weight: number, axes: CompareAxes, band: Exclude<CompareBand, 'none'>): Record<string, unknown>[] {
  return groups.flatMap((g) => {
    const members = curves.filter((c) => g.runIds.includes(c.runId))
    const seeds: SeedCurve[] = members.map((c) => new Map(placed(c, axes, weight).map((p) => [p.step, [p.x, p.y] as const])))
    const pts = seedBand(seeds, band)
    if (pts.length === 0) return []
    // A log axis cannot place a lower edge ≤ 0: it stops at the mean there.
    const low = (p: (typeof pts)[number]) => (axes.log && p.low <= 0 ? p.mean : p.low)
    const mean = { ...lineOf(pts.length, g.colour), name: `${g.label} (mean of ${members.length})`, data: pts.map((p) => [p.x, p.mean]), lineStyle: { width: 2 }, z: 2 }
    return members.length < 2 ? [mean] : [bandSeries(`${g.label} (${BAND_NAMES[band]})`, g.colour, pts.map((p) => [p.x, p.high]), pts.map((p) => [p.x, low(p)])), mean]
  })
}

/**
 * ECharts option for one metric of several runs: per run its raw and smoothed curve, or — with a
 * band and the seed groups — per group the mean over its seeds with a min–max or 95 % band.
 * Smoothing runs on the full series; ECharts downsamples (LTTB) only what it draws.
 */
export function compareChartOptions(metric: string, curves: readonly CompareCurve[], weight: number, axes: CompareAxes = { x: 'step', log: false }, groups: readonly CurveGroup[] = []): Record<string, unknown> {
  const band = axes.band ?? 'none'
  const series = band !== 'none' && groups.length ? groupSeries(curves, groups, weight, axes, band) : runSeries(curves, weight, axes)
  return {
    backgroundColor: 'transparent',
    animation: false,
    grid: { left: 56, right: 20, top: 52, bottom: 36 },
    legend: { top: 0, type: 'scroll', textStyle: { color: '#8b95a7' } },
    tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => (typeof v === 'number' ? v.toPrecision(4) : escapeHtml(String(v))) },
    xAxis: { type: axes.x === 'wall' ? 'time' : 'value', name: axes.x === 'wall' ? 'wall time' : axes.x, nameLocation: 'middle', nameGap: 24, axisLabel: { color: '#8b95a7', hideOverlap: true }, splitLine: { show: false }, scale: axes.x === 'wall' },
    yAxis: { type: axes.log ? 'log' : 'value', name: axes.log ? `${metric} (log)` : metric, nameTextStyle: { color: '#8b95a7', align: 'left' }, scale: true, axisLabel: { color: '#8b95a7' }, splitLine: { lineStyle: { color: '#262e3b' } } },
    series,
  }
}
