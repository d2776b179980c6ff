import { describe, expect, it } from 'vitest'
import type { ClassGraphData } from '../../contract/api-runtime'
import { compareChartOptions } from '../../renderer/charts/compare-chart-options'
import { escapeHtml } from '../../renderer/charts/escape-html'
import { graphChartOptions } from '../../renderer/charts/graph-chart-options'
import { scatterOptions } from '../../renderer/charts/scatter-options'

/** Issue 19, F8: text from an LLM answer, an imported file or the editor never becomes markup in a chart. */

const hostile: ClassGraphData = {
  label: 'swing <img src=x onerror=alert(1)>',
  objects: ['racket'],
  subActions: [],
  objectRelations: [{ head: 'racket', relation: '<b id=x>{b}', tail: 'ball "&" net' }],
  actionObjectRelations: [],
  actionRelations: [],
  clauses: {},
} as unknown as ClassGraphData

type Tooltip = { formatter: (p: { dataType: string; data: Record<string, string> }) => string }
type Link = { label: { formatter: () => string } }

describe('chart text', () => {
  it('escapes &, <, >, quotes', () => {
    expect(escapeHtml(`<b id="x">&'`)).toBe('&lt;b id=&quot;x&quot;&gt;&amp;&#39;')
  })

  it('the knowledge-graph tooltip escapes the relation and the node names; the canvas label keeps the relation as plain text', () => {
    const options = graphChartOptions(hostile)
    const tooltip = (options.tooltip as Tooltip).formatter
    const series = (options.series as { links: Link[] }[])[0]!
    const edge = tooltip({ dataType: 'edge', data: { source: 'racket', relation: '<b id=x>{b}', target: 'ball "&" net' } })
    expect(edge).toBe('racket — &lt;b id=x&gt;{b} → ball &quot;&amp;&quot; net')
    expect(tooltip({ dataType: 'node', data: { name: hostile.label } })).toBe('swing &lt;img src=x onerror=alert(1)&gt;')
    expect(series.links[0]!.label.formatter()).toBe('<b id=x>{b}')
  })

  it('the compare tooltip escapes a value that is not a number', () => {
    const options = compareChartOptions('m', [], 0) as { tooltip: { valueFormatter: (v: unknown) => string } }
    expect(options.tooltip.valueFormatter('<i>x</i>')).toBe('&lt;i&gt;x&lt;/i&gt;')
    expect(options.tooltip.valueFormatter(0.123456)).toBe('0.1235')
  })

  it('the scatter tooltip escapes the run name, the keys and the values', () => {
    const options = scatterOptions({ name: 'model.mode', values: ['<b>full</b>'] }, { name: 'eval/x/top1', values: [40] }, [{ label: '#1 <img src=x>' }])
    const point = (options.series as { data: { run: string; x: string; y: string }[] }[])[0]!.data[0]!
    const tooltip = (options.tooltip as { formatter: (p: { data: typeof point }) => string }).formatter
    expect(tooltip({ data: point })).toBe('#1 &lt;img src=x&gt;<br/>model.mode: &lt;b&gt;full&lt;/b&gt;<br/>eval/x/top1: 40')
  })
})
