import type { ConfusionMatrix } from '../../contract/api-runtime'

/** A confusion cell: row = true class, column = predicted class (class indices). */
export interface ConfusionCell {
  trueClass: number
  predicted: number
}

/**
 * ECharts heatmap option of a confusion matrix: x = predicted class, y = true class (first class at
 * the top; the view says which axis is which), each cell labelled with its count; the diagonal is what the model got right. Empty cells
 * are left out, so they stay clickable only where there are videos. A selected cell is outlined.
 */
/** The heatmap's plot area inside its chart (px): room for long class names on both axes. */
export const CONFUSION_GRID = { left: 200, right: 16, top: 10, bottom: 150 } as const
/** The colours of the count scale, from no video to the fullest cell (the view's legend shows them). */
export const CONFUSION_COLORS = ['#1b2a44', '#2f5fae', '#5b9dff', '#f5b94a'] as const

/** The count scale of a confusion matrix: 0 to its fullest cell (at least 1). */
export function confusionRange(m: ConfusionMatrix): { min: number; max: number } {
  return { min: 0, max: Math.max(1, ...m.counts.flat()) }
}

export function confusionOptions(m: ConfusionMatrix, selected: ConfusionCell | null = null): Record<string, unknown> {
  const data: { value: [number, number, number]; itemStyle?: Record<string, unknown>; label: { color: string } }[] = []
  const { max } = confusionRange(m)
  m.counts.forEach((row, t) =>
    row.forEach((count, p) => {
      if (count === 0) return
      const isSelected = selected !== null && selected.trueClass === t && selected.predicted === p
      // Dark text on the light end of the scale, light text on the dark end.
      data.push({ value: [p, t, count], label: { color: count / max > 0.6 ? '#0b0e13' : '#e4e8ef' }, ...(isSelected ? { itemStyle: { borderColor: '#ffffff', borderWidth: 2 } } : {}) })
    }),
  )
  const axisLabel = { color: '#8b95a7', fontSize: 11, interval: 0, overflow: 'truncate' }
  return {
    backgroundColor: 'transparent',
    animation: false,
    grid: CONFUSION_GRID,
    tooltip: { position: 'top' },
    xAxis: { type: 'category', data: m.classes, axisLabel: { ...axisLabel, rotate: 45, width: 170 }, axisTick: { show: false }, splitLine: { show: false } },
    yAxis: { type: 'category', data: m.classes, inverse: true, axisLabel: { ...axisLabel, width: 180 }, axisTick: { show: false }, splitLine: { show: false } },
    visualMap: { show: false, min: 0, max, inRange: { color: [...CONFUSION_COLORS] } },
    series: [{ type: 'heatmap', data, itemStyle: { borderColor: '#0f1218', borderWidth: 1 }, label: { show: true, fontSize: 11 }, emphasis: { itemStyle: { borderColor: '#ffffff', borderWidth: 1 } } }],
  }
}

/** The confusion cell of a heatmap click's `value` ([predicted, true, count]), or null. */
export function cellOfClick(value: unknown): ConfusionCell | null {
  if (!Array.isArray(value) || value.length < 2) return null
  const [p, t] = value as number[]
  return Number.isInteger(p) && Number.isInteger(t) ? { trueClass: t!, predicted: p! } : null
}
