import type { PerClassTable } from '../../../contract/api-runtime'

/** How the class rows are ordered: by class index, by one run's accuracy, or by one run's delta against the baseline. */
export interface ClassSort {
  by: 'class' | 'accuracy' | 'delta'
  /** The run whose column is sorted on (accuracy, delta). */
  runId: number | null
  dir: 'asc' | 'desc'
}

export const DEFAULT_SORT: ClassSort = { by: 'class', runId: null, dir: 'asc' }

/** `delta:5:desc` ↔ {by: 'delta', runId: 5, dir: 'desc'} (the view keeps its sort in the URL). */
export function parseSort(text: unknown): ClassSort {
  const m = typeof text === 'string' ? /^(class|accuracy|delta)(?::(\d+))?:(asc|desc)$/.exec(text) : null
  if (!m) return DEFAULT_SORT
  return { by: m[1] as ClassSort['by'], runId: m[2] ? Number(m[2]) : null, dir: m[3] as ClassSort['dir'] }
}

export function formatSort(s: ClassSort): string {
  return [s.by, ...(s.runId === null ? [] : [String(s.runId)]), s.dir].join(':')
}

type Row = PerClassTable['classes'][number]

/** The rows in the chosen order; rows without a value for the sorted column go last; ties keep class order. */
export function sortClasses(table: PerClassTable, sort: ClassSort): Row[] {
  const col = table.runs.findIndex((r) => r.id === sort.runId)
  if (sort.by === 'class' || col === -1) return sort.dir === 'desc' ? [...table.classes].reverse() : [...table.classes]
  const value = (row: Row): number | null => {
    const cell = row.cells[col]
    return cell ? (sort.by === 'delta' ? cell.delta : cell.accuracy) : null
  }
  const sign = sort.dir === 'asc' ? 1 : -1
  return [...table.classes].sort((a, b) => {
    const [x, y] = [value(a), value(b)]
    if (x === null || y === null) return x === y ? a.index - b.index : x === null ? 1 : -1
    return sign * (x - y) || a.index - b.index
  })
}

/** Click on a column header: first descending, then ascending, then back to class order. */
export function nextSort(current: ClassSort, by: 'accuracy' | 'delta', runId: number): ClassSort {
  if (current.by !== by || current.runId !== runId) return { by, runId, dir: 'desc' }
  return current.dir === 'desc' ? { by, runId, dir: 'asc' } : DEFAULT_SORT
}
