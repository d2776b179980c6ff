import { METRIC_NAMES, type ExportFormat, type PivotTableData } from '../../../contract'
import { deltaOf, factorCells, factorHeaders, needsStatus, shownMetrics, statsNote, statText, statusText } from './cell-text'
import { toJson } from './json'

/** The table as CSV (every statistic, one column each), Markdown, LaTeX (booktabs, paper-shaped) or JSON. */

function csvEscape(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

const num = (x: number | null | undefined, digits = 4): string => (x === null || x === undefined ? '' : x.toFixed(digits))

export function toCsv(t: PivotTableData): string {
  const stats = ['mean', 'std', 'n', 'ci95 lo', 'ci95 hi', 'ci over', 'delta', 'delta ci95 lo', 'delta ci95 hi', 'p', 'test']
  const header = [...t.rowKeys, 'row', 'status', 'runs', 'seeds', ...t.columns.flatMap((c) => c.metrics.flatMap((m) => stats.map((s) => `${c.key} ${m} ${s}`)))]
  const lines = t.rows.map((r) => [
    ...t.rowKeys.map((k) => (r.values[k] === undefined ? '' : typeof r.values[k] === 'string' ? (r.values[k] as string) : JSON.stringify(r.values[k]))),
    r.label,
    statusText(r),
    r.runIds.join(' '),
    r.seeds.join(' '),
    ...t.columns.flatMap((c) =>
      c.metrics.flatMap((m) => {
        const s = r.cells[c.key]?.metrics[m]
        const d = r.cells[c.key]?.delta?.[m]
        return [num(s?.mean), num(s?.std), s ? String(s.n) : '', num(s?.ci95?.[0]), num(s?.ci95?.[1]), s?.ciOver ?? '', num(d?.mean), num(d?.ci95?.[0]), num(d?.ci95?.[1]), num(d?.p, 6), d?.test ?? '']
      }),
    ),
  ])
  return [header, ...lines].map((l) => l.map(csvEscape).join(',')).join('\n') + `\n# ${statsNote(t)}\n`
}

/** Per target: each shown metric and its Δ (no Δ column without a baseline). */
function metricHeaders(t: PivotTableData): string[] {
  return t.columns.flatMap((c) => shownMetrics(c.metrics).flatMap((m) => [`${c.key} ${METRIC_NAMES[m]}`, ...(t.baseline !== null ? ['Δ'] : [])]))
}

function metricCells(t: PivotTableData, r: PivotTableData['rows'][number], stat: (s: Parameters<typeof statText>[0], best: boolean) => string): string[] {
  return t.columns.flatMap((c) =>
    shownMetrics(c.metrics).flatMap((m) => {
      const cell = r.cells[c.key] ?? null
      const s = cell?.metrics[m]
      return [stat(s, s?.best ?? false), ...(t.baseline !== null ? [cell ? deltaOf(r, cell, m) : '–'] : [])]
    }),
  )
}

export function toMarkdown(t: PivotTableData): string {
  const status = needsStatus(t)
  const head = [...factorHeaders(t), ...metricHeaders(t), ...(status ? ['Status'] : [])]
  const body = t.rows.map((r) => [...factorCells(t, r), ...metricCells(t, r, (s, best) => (best ? `**${statText(s)}**` : statText(s))), ...(status ? [statusText(r)] : [])])
  const rule = head.map((_, i) => (i < factorHeaders(t).length ? '---' : '---:'))
  return [`**${t.title}**`, '', `| ${head.join(' | ')} |`, `|${rule.join('|')}|`, ...body.map((l) => `| ${l.join(' | ')} |`), '', statsNote(t), ''].join('\n')
}

function latexEscape(s: string): string {
  return s.replace(/[\\&%$#_{}~^]/g, (ch) => ({ '\\': '\\textbackslash{}', '~': '\\textasciitilde{}', '^': '\\textasciicircum{}' })[ch] ?? `\\${ch}`)
}

/** `tab:table4-adaptation`: letters, digits and - only. */
export function latexLabel(title: string): string {
  return `tab:${title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')}`
}

export function toLatex(t: PivotTableData): string {
  const status = needsStatus(t)
  const factors = factorHeaders(t).length
  const head = [...factorHeaders(t), ...metricHeaders(t), ...(status ? ['Status'] : [])]
  const stat = (s: Parameters<typeof statText>[0], best: boolean): string => {
    if (!s) return '--'
    const body = `${s.mean.toFixed(1)}${s.std === null ? '' : ` $\\pm$ ${s.std.toFixed(1)}`}`
    const ci = s.ci95 ? ` {\\scriptsize [${s.ci95[0].toFixed(1)}, ${s.ci95[1].toFixed(1)}]}` : ''
    return `${best ? `\\textbf{${body}}` : body}${ci}`
  }
  const rows = t.rows.map((r) => [...factorCells(t, r).map(latexEscape), ...metricCells(t, r, stat).map((c) => (c.startsWith('+') || c.startsWith('−') ? c.replace('−', '$-$') : c)), ...(status ? [latexEscape(statusText(r))] : [])])
  return [
    '\\begin{table}[t]',
    '  \\centering',
    `  \\begin{tabular}{${'l'.repeat(factors)}${'c'.repeat(head.length - factors)}}`,
    '    \\toprule',
    `    ${head.map(latexEscape).join(' & ')} \\\\`,
    '    \\midrule',
    ...rows.map((r) => `    ${r.join(' & ')} \\\\`),
    '    \\bottomrule',
    '  \\end{tabular}',
    `  \\caption{${latexEscape(t.title)}. ${latexEscape(statsNote(t))}}`,
    `  \\label{${latexLabel(t.title)}}`,
    '\\end{table}',
    '',
  ].join('\n')
}

export function formatPivot(t: PivotTableData, format: ExportFormat): string {
  switch (format) {
    case 'csv':
      return toCsv(t)
    case 'md':
      return toMarkdown(t)
    case 'latex':
      return toLatex(t)
    case 'json':
      return `${JSON.stringify(toJson(t), null, 2)}\n`
  }
}
