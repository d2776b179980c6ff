import type { ConfigValue } from '../../contract/api-runtime'
import { compareColour } from './compare-chart-options'
import { escapeHtml } from './escape-html'

/** One axis of the scatter: a config key or a metric, with each compared run's value (undefined where the run has none). */
export interface ScatterAxis {
  name: string
  values: readonly (ConfigValue | undefined)[]
}

const present = (v: ConfigValue | undefined): v is ConfigValue => v !== undefined
const shown = (v: ConfigValue): string => (typeof v === 'number' ? String(Number(v.toPrecision(6))) : String(v))

/** A value axis where every run's value is a number, else a category axis of the values as text (sorted). */
function axisOf(a: ScatterAxis, nameGap: number): Record<string, unknown> {
  const values = a.values.filter(present)
  const numeric = values.length > 0 && values.every((v) => typeof v === 'number')
  const common = { name: a.name, nameLocation: 'middle', nameGap, nameTextStyle: { color: '#8b95a7' }, axisLabel: { color: '#8b95a7' }, splitLine: { lineStyle: { color: '#262e3b' } } }
  return numeric ? { ...common, type: 'value', scale: true } : { ...common, type: 'category', data: [...new Set(values.map(String))].sort() }
}

/** The point of one run on an axis: the number itself, or its value's text on a category axis. */
const coordinate = (v: ConfigValue, axis: Record<string, unknown>): number | string => (axis.type === 'value' ? (v as number) : String(v))

/**
 * A scatter of two keys over the compared runs: one point per run that has both, in the run's compare
 * colour and labelled with its name; the tooltip names the run and both values, escaped (run names are
 * typed by users).
 */
export function scatterOptions(x: ScatterAxis, y: ScatterAxis, runs: readonly { label: string }[]): Record<string, unknown> {
  const xAxis = axisOf(x, 26)
  const yAxis = axisOf(y, 48)
  const series = runs.flatMap((r, i) => {
    const xv = x.values[i]
    const yv = y.values[i]
    if (!present(xv) || !present(yv)) return []
    return [
      {
        type: 'scatter',
        name: r.label,
        color: compareColour(i),
        symbolSize: 11,
        data: [{ value: [coordinate(xv, xAxis), coordinate(yv, yAxis)], run: r.label, x: shown(xv), y: shown(yv) }],
        label: { show: true, position: 'right', color: '#c9d1dd', fontSize: 11, formatter: () => r.label },
      },
    ]
  })
  return {
    backgroundColor: 'transparent',
    animation: false,
    grid: { left: 72, right: 110, top: 20, bottom: 44, containLabel: false },
    tooltip: {
      trigger: 'item',
      formatter: (p: { data: { run: string; x: string; y: string } }) => `${escapeHtml(p.data.run)}<br/>${escapeHtml(x.name)}: ${escapeHtml(p.data.x)}<br/>${escapeHtml(y.name)}: ${escapeHtml(p.data.y)}`,
    },
    xAxis,
    yAxis,
    series,
  }
}
