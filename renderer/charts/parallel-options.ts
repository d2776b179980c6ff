import type { CompareKey } from '../../contract/api-runtime'
import { compareColour } from './compare-chart-options'

/** One axis per config key that differs (numbers on a value axis, anything else on a category axis), the target metric last; one line per run. */
export function parallelOptions(keys: readonly CompareKey[], runs: readonly { label: string }[], target: { name: string; values: readonly (number | undefined)[] }): Record<string, unknown> {
  const axes = keys.map((k, dim) => {
    const numeric = k.values.every((v) => typeof v === 'number')
    return numeric
      ? { dim, name: k.key, type: 'value', nameTextStyle: { color: '#8b95a7' } }
      : { dim, name: k.key, type: 'category', data: [...new Set(k.values.map((v) => String(v)))].sort(), nameTextStyle: { color: '#8b95a7' } }
  })
  axes.push({ dim: keys.length, name: target.name, type: 'value', nameTextStyle: { color: '#e4e8ef' } })
  return {
    backgroundColor: 'transparent',
    parallel: { left: 60, right: 90, top: 40, bottom: 30, parallelAxisDefault: { nameLocation: 'end', nameGap: 14, nameTextStyle: { fontSize: 11 }, axisLine: { lineStyle: { color: '#394357' } }, axisLabel: { color: '#8b95a7' } } },
    parallelAxis: axes,
    series: runs.map((r, i) => ({
      type: 'parallel',
      name: r.label,
      lineStyle: { width: 2, opacity: 0.85, color: compareColour(i) },
      data: target.values[i] === undefined ? [] : [[...keys.map((k) => (typeof k.values[i] === 'number' ? k.values[i] : String(k.values[i]))), target.values[i]]],
    })),
  }
}
