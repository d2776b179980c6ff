import { TRIPLE_KINDS, emptyClauses, type ClassGraph, type ClassProvenance, type GraphClass, type GraphIssue } from '../askg/types'
import { checkClassGraph } from '../askg/schema'
import { checkClauseCounts } from '../askg/rules'
import { formatIssue } from '../askg/types'
import type { AskgEntry, ParsedFile, XpromptEntry } from './authors-yaml'

export interface AuthorsImportInput {
  askg?: { file: string; parsed: ParsedFile<AskgEntry> }
  xprompt?: { file: string; parsed: ParsedFile<XpromptEntry> }
  /** The data set's class names in class-index order; by default each class is named by its key. */
  classNames?: string[]
  now?: string
}

export interface ImportResult {
  classes: GraphClass[]
  issues: GraphIssue[]
  warnings: string[]
}

/**
 * Joins an ASKG file and/or an xprompt file into graph classes. Entries are paired by key; when the
 * two files' keys differ but their lengths agree, the unmatched ones are paired by position (the
 * entries are in class-index order in both) and a warning names them.
 */
export function importAuthorsFiles(input: AuthorsImportInput): ImportResult {
  const { askg, xprompt } = input
  if (!askg && !xprompt) throw new Error('give an ASKG file (classes_ASKG_<ds>.yml), an xprompt file (classes_xprompt_<ds>.yml) or both')
  const issues = [...(askg?.parsed.issues ?? []), ...(xprompt?.parsed.issues ?? [])]
  const warnings = [...(askg?.parsed.warnings ?? []), ...(xprompt?.parsed.warnings ?? [])]
  const base: { key: string }[] = askg ? askg.parsed.entries : xprompt!.parsed.entries
  const pairs = pairEntries(askg?.parsed.entries, xprompt?.parsed.entries, warnings)
  if (input.classNames && input.classNames.length !== base.length) {
    throw new Error(`the class list has ${input.classNames.length} names but the file has ${base.length} entries; give one name per entry, in class-index order`)
  }
  const files = [askg?.file, xprompt?.file].filter((f): f is string => !!f)
  const createdAt = input.now ?? new Date().toISOString()
  const classes: GraphClass[] = []
  pairs.forEach(({ a, x }, index) => {
    const key = (a ?? x)!.key
    const name = input.classNames?.[index] ?? key
    const label = a?.label ?? x?.label ?? null
    const classWarnings: string[] = []
    if (label === null) classWarnings.push(`class "${name}": no label field; the key "${key}" is used as the label`)
    const graph: ClassGraph = {
      label: label ?? key,
      objects: a?.objects ?? [],
      subActions: a?.subActions ?? [],
      objectRelations: a?.oo ?? [],
      actionObjectRelations: a?.ao ?? [],
      actionRelations: a?.aa ?? [],
      clauses: x ? { oo: x.oo, ao: x.ao, aa: x.aa } : emptyClauses(),
    }
    if (a && x) classWarnings.push(...checkClauseCounts(name, graph).map(formatIssue))
    for (const kind of TRIPLE_KINDS) {
      if (x && graph.clauses[kind].length === 0) classWarnings.push(`class "${name}": xprompt_${kind} is empty, so its prompt sets have no ${kind} clauses`)
    }
    const checked = checkClassGraph(name, graph)
    if ('issues' in checked) {
      issues.push(...checked.issues)
      return
    }
    const provenance: ClassProvenance = { source: 'import', createdAt, files, key }
    if (classWarnings.length) provenance.warnings = classWarnings
    warnings.push(...classWarnings)
    classes.push({ index, name, key, graph: checked.graph, provenance })
  })
  return { classes, issues, warnings }
}

function pairEntries(
  askg: AskgEntry[] | undefined,
  xprompt: XpromptEntry[] | undefined,
  warnings: string[],
): { a?: AskgEntry; x?: XpromptEntry }[] {
  if (!askg) return xprompt!.map((x) => ({ x }))
  if (!xprompt) return askg.map((a) => ({ a }))
  const byKey = new Map(xprompt.map((x) => [x.key, x]))
  const askgKeys = new Set(askg.map((a) => a.key))
  const unmatchedX = xprompt.filter((x) => !askgKeys.has(x.key))
  const positional = askg.length === xprompt.length
  const out = askg.map((a, i) => {
    const x = byKey.get(a.key)
    if (x) return { a, x }
    const candidate = positional ? xprompt[i] : undefined
    if (candidate && !askgKeys.has(candidate.key)) {
      warnings.push(`ASKG key "${a.key}" has no xprompt entry of the same key; paired by position with xprompt key "${candidate.key}"`)
      unmatchedX.splice(unmatchedX.indexOf(candidate), 1)
      return { a, x: candidate }
    }
    warnings.push(`ASKG key "${a.key}" has no xprompt entry; the class gets no clauses`)
    return { a }
  })
  for (const x of unmatchedX) warnings.push(`xprompt key "${x.key}" matches no ASKG entry and is ignored`)
  return out
}
