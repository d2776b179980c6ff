import { onBeforeUnmount, onMounted, type Ref } from 'vue'
import * as echarts from 'echarts/core'

/**
 * An ECharts instance in `el` for the component's lifetime: drawn from `option()` once mounted and again on each
 * `redraw()` (replacing the whole option), resized with its box, disposed on unmount. The caller registers the chart
 * types, components and renderer it needs with `echarts.use` and decides when to redraw.
 */
export function useEChart(el: Ref<HTMLElement | null>, renderer: 'svg' | 'canvas', option: () => Record<string, unknown>): { redraw: () => void } {
  let chart: echarts.ECharts | null = null
  const observer = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(() => chart?.resize())
  const redraw = (): void => {
    chart?.setOption(option(), { notMerge: true })
  }
  onMounted(() => {
    chart = echarts.init(el.value!, undefined, { renderer })
    redraw()
    observer?.observe(el.value!)
  })
  onBeforeUnmount(() => {
    observer?.disconnect()
    chart?.dispose()
  })
  return { redraw }
}
