import type { Cell, PivotTable } from './pivot'

export const EXPORT_FORMATS = ['csv', 'md', 'latex'] as const
export type ExportFormat = (typeof EXPORT_FORMATS)[number]

function cellText(c: Cell | null): string {
  if (!c) return '–'
  return c.std === null ? `${c.mean.toFixed(1)} (n=${c.n})` : `${c.mean.toFixed(1)} ± ${c.std.toFixed(1)} (n=${c.n})`
}

function stdNote(t: PivotTable): string {
  const kinds = new Set(t.rows.flatMap((r) => Object.values(r.cells).filter((c): c is Cell => c !== null && c.std !== null).map((c) => c.over)))
  const parts: string[] = []
  if (kinds.has('seeds')) parts.push('over the seeds of a row (sample std, n = runs)')
  if (kinds.has('subsets')) parts.push("over the protocol's subsets or splits of one run (sample std, n = subsets)")
  return parts.length ? `Top-1 accuracy (%), mean ± std ${parts.join('; ')}.` : 'Top-1 accuracy (%).'
}

function citation(t: PivotTable): string {
  if (t.promptSets.length === 0) return 'Prompt sets: none recorded.'
  return `Prompt sets: ${t.promptSets.map((p) => `${p.kind} ${p.hash.slice(0, 12)} (runs ${p.runs.join(', ')})`).join('; ')}.`
}

function csvEscape(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

export function toCsv(t: PivotTable): string {
  const header = ['row', 'runs', ...t.columns.flatMap((c) => [`${c} mean`, `${c} std`, `${c} n`, `${c} std over`])]
  const lines = t.rows.map((r) => [r.label, r.runIds.join(' '), ...t.columns.flatMap((c) => {
    const cell = r.cells[c]
    return cell ? [cell.mean.toFixed(4), cell.std === null ? '' : cell.std.toFixed(4), String(cell.n), cell.over] : ['', '', '', '']
  })])
  return [header, ...lines].map((l) => l.map(csvEscape).join(',')).join('\n') + `\n# ${stdNote(t)} ${citation(t)}\n`
}

export function toMarkdown(t: PivotTable): string {
  const head = `| ${['', ...t.columns].join(' | ')} |`
  const rule = `|${['---', ...t.columns.map(() => '---:')].join('|')}|`
  const body = t.rows.map((r) => `| ${[r.label, ...t.columns.map((c) => (r.cells[c]?.best ? `**${cellText(r.cells[c]!)}**` : cellText(r.cells[c] ?? null)))].join(' | ')} |`)
  return [`**${t.title}**`, '', head, rule, ...body, '', `${stdNote(t)} ${citation(t)}`, ''].join('\n')
}

function latexEscape(s: string): string {
  return s.replace(/[\\&%$#_{}~^]/g, (ch) => ({ '\\': '\\textbackslash{}', '~': '\\textasciitilde{}', '^': '\\textasciicircum{}' })[ch] ?? `\\${ch}`)
}

export function toLatex(t: PivotTable): string {
  const cell = (c: Cell | null): string => {
    if (!c) return '--'
    const body = c.std === null ? `${c.mean.toFixed(1)}` : `${c.mean.toFixed(1)} $\\pm$ ${c.std.toFixed(1)}`
    const text = `${body} {\\scriptsize (${c.n})}`
    return c.best ? `\\textbf{${text}}` : text
  }
  return [
    '\\begin{table}[t]',
    '  \\centering',
    `  \\begin{tabular}{l${'c'.repeat(t.columns.length)}}`,
    '    \\toprule',
    `    ${['', ...t.columns.map(latexEscape)].join(' & ')} \\\\`,
    '    \\midrule',
    ...t.rows.map((r) => `    ${[latexEscape(r.label), ...t.columns.map((c) => cell(r.cells[c] ?? null))].join(' & ')} \\\\`),
    '    \\bottomrule',
    '  \\end{tabular}',
    `  \\caption{${latexEscape(t.title)}. ${latexEscape(stdNote(t))} ${latexEscape(citation(t))}}`,
    '\\end{table}',
    '',
  ].join('\n')
}

export function formatPivot(t: PivotTable, format: ExportFormat): string {
  return format === 'csv' ? toCsv(t) : format === 'md' ? toMarkdown(t) : toLatex(t)
}
