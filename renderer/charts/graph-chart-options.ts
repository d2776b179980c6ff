import type { ClassGraphData, GraphTriple } from '../../contract/api-runtime'
import { escapeHtml } from './escape-html'

/**
 * One class's knowledge graph as an ECharts graph: the action in the middle, its objects, the
 * motions (sub-actions, in order) and the other entities the triples name (attributes, places),
 * linked by the triples with their relation as the edge label. Malformed triples (kept as text) have
 * no relation to draw and are left to the triples table. The tooltip is HTML: its text is escaped. The
 * edge labels are drawn on the canvas, as plain text: a function formatter, so no `{a}`/`{b}` template
 * in a relation is expanded.
 */

export const NODE_CATEGORIES = ['action', 'object', 'motion', 'attribute'] as const
export type NodeCategory = (typeof NODE_CATEGORIES)[number]
const COLOURS: Record<NodeCategory, string> = { action: '#5b9dff', object: '#3ecf8e', motion: '#f5b94a', attribute: '#b48cff' }
const FAMILY: Record<'oo' | 'ao' | 'aa', { colour: string; type: 'solid' | 'dashed' }> = {
  oo: { colour: '#3ecf8e', type: 'solid' },
  ao: { colour: '#5b9dff', type: 'solid' },
  aa: { colour: '#f5b94a', type: 'dashed' },
}

export interface GraphNode {
  name: string
  category: NodeCategory
}
export interface GraphEdge {
  source: string
  target: string
  relation: string
  family: 'oo' | 'ao' | 'aa'
}

/** The nodes and edges of a class graph (pure, for tests and the chart). */
export function classGraphElements(g: ClassGraphData): { nodes: GraphNode[]; edges: GraphEdge[] } {
  const nodes = new Map<string, GraphNode>()
  const add = (name: string, category: NodeCategory) => {
    if (name && !nodes.has(name)) nodes.set(name, { name, category })
  }
  add(g.label, 'action')
  g.objects.forEach((o) => add(o, 'object'))
  g.subActions.forEach((s) => add(s, 'motion'))
  const edges: GraphEdge[] = []
  const families: ['oo' | 'ao' | 'aa', GraphTriple[]][] = [
    ['oo', g.objectRelations],
    ['ao', g.actionObjectRelations],
    ['aa', g.actionRelations],
  ]
  for (const [family, triples] of families) {
    for (const t of triples) {
      if (t.text !== undefined || !t.head || !t.tail) continue
      add(t.head, family === 'aa' ? 'motion' : 'attribute')
      add(t.tail, family === 'aa' ? 'motion' : 'attribute')
      edges.push({ source: t.head, target: t.tail, relation: t.relation, family })
    }
  }
  return { nodes: [...nodes.values()], edges }
}

export function graphChartOptions(g: ClassGraphData): Record<string, unknown> {
  const { nodes, edges } = classGraphElements(g)
  return {
    backgroundColor: 'transparent',
    tooltip: {
      formatter: (p: { dataType: string; data: { name?: string; source?: string; target?: string; relation?: string } }) =>
        escapeHtml(p.dataType === 'edge' ? `${p.data.source} — ${p.data.relation} → ${p.data.target}` : (p.data.name ?? '')),
    },
    legend: { data: NODE_CATEGORIES.map((c) => c), textStyle: { color: '#8b95a7' }, top: 0 },
    series: [
      {
        type: 'graph',
        layout: 'force',
        roam: true,
        draggable: true,
        // The drawing keeps clear of the legend above and inside its box (gravity pulls the nodes in).
        top: 40,
        bottom: 16,
        left: 24,
        right: 24,
        force: { repulsion: 200, edgeLength: [60, 120], gravity: 0.16 },
        categories: NODE_CATEGORIES.map((c) => ({ name: c, itemStyle: { color: COLOURS[c] } })),
        data: nodes.map((n) => ({ name: n.name, category: NODE_CATEGORIES.indexOf(n.category), symbolSize: n.category === 'action' ? 30 : 16, label: { show: true, color: '#e4e8ef', fontSize: 11 } })),
        links: edges.map((e) => ({ source: e.source, target: e.target, relation: e.relation, lineStyle: { color: FAMILY[e.family].colour, type: FAMILY[e.family].type, width: 1.4, curveness: 0.12 }, label: { show: true, formatter: () => e.relation, fontSize: 10, color: '#8b95a7' } })),
        edgeSymbol: ['none', 'arrow'],
        edgeSymbolSize: 7,
        emphasis: { focus: 'adjacency' },
      },
    ],
  }
}
