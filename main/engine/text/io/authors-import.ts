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
 * Joins an ASKG file and/or an xprompt file into graph classes. Entries are paired by key, then by
 * key ignoring letter case (K400's files differ so); when the two files' keys differ otherwise but
 * their lengths agree, the unmatched ones are paired by position (the entries are in class-index
 * order in both). A warning names every pair not made by the exact key.
 */
export function importAuthorsFiles(input: AuthorsImportInput): ImportResult {
  const { askg, xprompt } = input
  if (!askg && !xprompt) throw new Error('give an ASKG file (classes_ASKG_<ds>.yml), an xprompt file (classes_xprompt_<ds>.yml) or both')
  const issues = [...(askg?.parsed.issues ?? []), ...(xprompt?.parsed.issues ?? [])]
  const warnings = [...(askg?.parsed.warnings ?? []), ...(xprompt?.parsed.warnings ?? [])]
  const base: { key: string }[] = askg ? askg.parsed.entries : xprompt!.parsed.entries
  if (askg && xprompt) checkSameClasses(askg, xprompt)
  const pairs = pairEntries(askg, xprompt, warnings)
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
    const where = files.join(' + ')
    if (label === null) classWarnings.push(`${where}: class "${name}": no label field; the key "${key}" is used as the label`)
    const graph: ClassGraph = {
      label: label ?? key,
      objects: a?.objects ?? [],
      subActions: a?.subActions ?? [],
      objectRelations: a?.oo ?? [],
      actionObjectRelations: a?.ao ?? [],
      actionRelations: a?.aa ?? [],
      clauses: x ? { oo: x.oo, ao: x.ao, aa: x.aa } : emptyClauses(),
    }
    if (a && x && x.label !== null && x.label !== graph.label) graph.xpromptLabel = x.label
    if (a && x && x.key !== a.key) graph.xpromptKey = x.key
    if (a && x) classWarnings.push(...checkClauseCounts(name, graph).map((i) => formatIssue({ ...i, file: where })))
    for (const kind of TRIPLE_KINDS) {
      if (x && graph.clauses[kind].length === 0) classWarnings.push(`${xprompt!.file}: class "${name}": xprompt_${kind} is empty, so its prompt sets have no ${kind} clauses`)
    }
    const checked = checkClassGraph(name, graph)
    if ('issues' in checked) {
      issues.push(...checked.issues.map((i) => ({ ...i, file: where })))
      return
    }
    const provenance: ClassProvenance = { source: 'import', createdAt, files, key }
    if (classWarnings.length) provenance.warnings = classWarnings
    warnings.push(...classWarnings)
    classes.push({ index, name, key, graph: checked.graph, provenance })
  })
  return { classes, issues, warnings }
}

type Named<T> = { file: string; parsed: ParsedFile<T> }

/** The file's data set from its name (`classes_ASKG_ucf101.yml` → `ucf101`), or null. */
export function datasetOfFileName(file: string): string | null {
  const m = /(?:^|[\\/])classes_(?:askg|xprompt|label)_([^\\/]+?)\.ya?ml$/i.exec(file)
  return m ? m[1]!.toLowerCase() : null
}

/**
 * An ASKG file and an xprompt file must describe the same classes: files named for different data
 * sets are refused, and so are files whose keys mostly differ (fewer than half shared).
 */
function checkSameClasses(askg: Named<AskgEntry>, xprompt: Named<XpromptEntry>): void {
  const [da, dx] = [datasetOfFileName(askg.file), datasetOfFileName(xprompt.file)]
  if (da && dx && da !== dx) {
    throw new Error(`${askg.file} is for ${da} but ${xprompt.file} is for ${dx}; import the xprompt file of the same data set (classes_xprompt_${da}.yml)`)
  }
  const keys = new Set(askg.parsed.entries.map((e) => e.key.toLowerCase()))
  const shared = xprompt.parsed.entries.filter((e) => keys.has(e.key.toLowerCase())).length
  const smaller = Math.min(keys.size, xprompt.parsed.entries.length)
  if (smaller > 0 && shared * 2 < smaller) {
    const sample = xprompt.parsed.entries.filter((e) => !keys.has(e.key.toLowerCase())).slice(0, 3).map((e) => `"${e.key}"`)
    throw new Error(
      `${askg.file} and ${xprompt.file} do not describe the same classes: only ${shared} of ${xprompt.parsed.entries.length} xprompt keys are ASKG keys (not: ${sample.join(', ')}); import the two files of one data set`,
    )
  }
}

function pairEntries(askgFile: Named<AskgEntry> | undefined, xpromptFile: Named<XpromptEntry> | undefined, warnings: string[]): { a?: AskgEntry; x?: XpromptEntry }[] {
  const askg = askgFile?.parsed.entries
  const xprompt = xpromptFile?.parsed.entries
  if (!askg) return xprompt!.map((x) => ({ x }))
  if (!xprompt) return askg.map((a) => ({ a }))
  const [af, xf] = [askgFile!.file, xpromptFile!.file]
  const byKey = new Map(xprompt.map((x) => [x.key, x]))
  const askgKeys = new Set(askg.map((a) => a.key))
  const unmatchedX = xprompt.filter((x) => !askgKeys.has(x.key))
  const positional = askg.length === xprompt.length
  const out = askg.map((a, i) => {
    const x = byKey.get(a.key)
    if (x) return { a, x }
    const folded = unmatchedX.filter((u) => u.key.toLowerCase() === a.key.toLowerCase())
    if (folded.length === 1) {
      warnings.push(`${af}: key "${a.key}" is "${folded[0]!.key}" in ${xf} (only the letter case differs); paired, and each file's key is kept for export`)
      unmatchedX.splice(unmatchedX.indexOf(folded[0]!), 1)
      return { a, x: folded[0]! }
    }
    const candidate = positional ? xprompt[i] : undefined
    if (candidate && !askgKeys.has(candidate.key)) {
      warnings.push(`${af}: key "${a.key}" has no entry of the same key in ${xf}; paired by position with its key "${candidate.key}"`)
      unmatchedX.splice(unmatchedX.indexOf(candidate), 1)
      return { a, x: candidate }
    }
    warnings.push(`${af}: key "${a.key}" has no entry in ${xf}; the class gets no clauses`)
    return { a }
  })
  for (const x of unmatchedX) warnings.push(`${xf}: key "${x.key}" matches no entry of ${af} and is ignored`)
  return out
}
