import { existsSync, readFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { ContractError } from '../../../../contract'
import type { Db } from '../../store/db'
import { replaceGraphAliases } from '../../store/graph-aliases'
import { addGraphVersion, createGraph, getGraph, type GraphVersionSummary } from '../../store/knowledge-graphs'
import { formatIssue, type GraphClass } from '../askg/types'
import { isShippedDataset, shippedAliases, SHIPPED_DATASETS } from '../aliases/shipped'
import { normaliseClassName } from '../aliases/resolve'
import { datasetOfFileName, importAuthorsFiles, type AuthorsImportInput } from '../io/authors-import'
import { detectAuthorsFile, parseAskgFile, parseXpromptFile } from '../io/authors-yaml'
import { isGraphJson, parseGraphJson } from '../io/json-format'
import { latestVersionOf } from './library'

/**
 * Importing graphs: the authors' classes_ASKG / classes_xprompt files (as released: a malformed
 * triple is kept as text with a warning, an unusable entry is left out with a warning, never the
 * whole file), or this project's JSON export. An existing name gets a new version. For the real
 * benchmarks the shipped alias table is stored with the graph and names its classes.
 */

export interface GraphFile {
  /** The file's name or path (every message names it). */
  file: string
  text: string
}

export interface ImportRequest {
  files: GraphFile[]
  name?: string
  dataset?: string
  /** The data set's class names in class-index order (default: the official names for ucf101/hmdb51/k400, else the keys). */
  classNames?: string[]
}

export interface ImportOutcome {
  graph: GraphVersionSummary
  created: boolean
  warnings: string[]
  /** Alias rows stored for the graph (0 when the data set has no shipped table). */
  aliases: number
}

/**
 * A JSON export edited by hand and imported back: classes whose graph changed but whose provenance
 * was left as exported are marked as human edits (the previous provenance is the parent version's).
 */
export function markHumanEdits(parent: GraphClass[], classes: GraphClass[], file: string): GraphClass[] {
  const before = new Map(parent.map((c) => [c.index, c]))
  return classes.map((c) => {
    const old = before.get(c.index)
    const changed = !old || JSON.stringify(old.graph) !== JSON.stringify(c.graph) || old.name !== c.name
    const sameProvenance = old && JSON.stringify(old.provenance) === JSON.stringify(c.provenance)
    return changed && sameProvenance ? { ...c, provenance: { source: 'human', createdAt: new Date().toISOString(), note: `edited in ${file}` } } : c
  })
}

function invalid(message: string): ContractError {
  return new ContractError('invalid_input', message)
}

/** For a shipped data set: each key's official class name (by the alias table), so classes carry the data set's names. */
function officialNamesFor(dataset: string, keys: string[]): string[] | undefined {
  if (!isShippedDataset(dataset)) return undefined
  const byKey = new Map(shippedAliases(dataset).map((a) => [normaliseClassName(a.key), a.alias]))
  return keys.map((k) => byKey.get(normaliseClassName(k)) ?? k)
}

function readAuthorsFiles(files: GraphFile[], req: ImportRequest): { classes: GraphClass[]; warnings: string[]; dataset: string | null } {
  const input: AuthorsImportInput = {}
  let dataset = req.dataset ?? null
  for (const { file, text } of files) {
    const kind = detectAuthorsFile(text, basename(file))
    if (input[kind]) throw invalid(`two ${kind === 'askg' ? 'ASKG' : 'xprompt'} files given (${input[kind].file}, ${basename(file)}); import one of each at most`)
    if (kind === 'askg') input.askg = { file: basename(file), parsed: parseAskgFile(text, basename(file)) }
    else input.xprompt = { file: basename(file), parsed: parseXpromptFile(text, basename(file)) }
    dataset ??= datasetOfFileName(file)
  }
  const entries = (input.askg ?? input.xprompt)!.parsed.entries
  input.classNames = req.classNames ?? (dataset ? officialNamesFor(dataset, entries.map((e) => e.key)) : undefined)
  let r
  try {
    r = importAuthorsFiles(input)
  } catch (err) {
    throw invalid((err as Error).message)
  }
  const where = files.map((f) => basename(f.file)).join(' + ')
  if (r.classes.length === 0) throw invalid(`${where}: no usable class — ${r.issues.map(formatIssue).join('; ') || 'the files have no entries'}`)
  const imported = new Set(r.classes.map((c) => c.key))
  const leftOut = entries.filter((e) => !imported.has(e.key)).map((e) => `${where}: class "${e.key}" is left out (see the problems above)`)
  return { classes: r.classes, warnings: [...r.warnings, ...r.issues.map(formatIssue), ...leftOut], dataset }
}

/** The shipped alias rows whose key the graph has; the others are warnings. */
function aliasesFor(dataset: string, classes: GraphClass[], warnings: string[]): { alias: string; key: string; source: string }[] {
  if (!isShippedDataset(dataset)) return []
  const keys = new Map(classes.map((c) => [normaliseClassName(c.key), c.key]))
  const rows: { alias: string; key: string; source: string }[] = []
  const missing: string[] = []
  for (const a of shippedAliases(dataset)) {
    const key = keys.get(normaliseClassName(a.key))
    if (key) rows.push({ alias: a.alias, key, source: `shipped:${dataset}` })
    else missing.push(a.alias)
  }
  if (missing.length) warnings.push(`${missing.length} ${dataset} class(es) have no class in this graph: ${missing.slice(0, 8).join(', ')}${missing.length > 8 ? ', …' : ''}`)
  return rows
}

export function importGraphFiles(db: Db, req: ImportRequest): ImportOutcome {
  if (req.files.length === 0) throw invalid('give the file(s) to import')
  const json = req.files.filter((f) => isGraphJson(f.text))
  let classes: GraphClass[]
  let dataset = req.dataset ?? null
  let name = req.name ?? null
  let note: string
  let warnings: string[] = []
  if (json.length) {
    if (req.files.length > 1) throw invalid('a JSON export is imported on its own')
    const doc = parseGraphJson(json[0]!.text, basename(json[0]!.file))
    classes = doc.classes
    dataset ??= doc.dataset
    name ??= doc.name
    note = `imported from ${basename(json[0]!.file)} (${doc.name}@${doc.version})`
  } else {
    const r = readAuthorsFiles(req.files, req)
    classes = r.classes
    warnings = r.warnings
    dataset = r.dataset
    note = `imported from ${req.files.map((f) => basename(f.file)).join(' + ')}`
  }
  if (!dataset) throw invalid(`cannot tell the data set from the file names (${req.files.map((f) => basename(f.file)).join(', ')}); give the data set`)
  const graphName = name ?? `${dataset}-authors`
  const latest = latestVersionOf(db, graphName)
  if (latest && latest.dataset !== dataset) throw new ContractError('conflict', `graph "${graphName}" is for ${latest.dataset}, not ${dataset}; choose another name`)
  const edited = latest && json.length ? markHumanEdits(getGraph(db, latest.id).classes, classes, basename(json[0]!.file)) : classes
  const aliasRows = aliasesFor(dataset, edited, warnings)
  const graph = db.transaction(() => {
    const g = latest ? addGraphVersion(db, latest.id, { classes: edited, note }) : createGraph(db, { name: graphName, dataset: dataset!, note, classes: edited })
    if (aliasRows.length) replaceGraphAliases(db, graphName, aliasRows)
    return g
  })()
  return { graph, created: !latest, warnings, aliases: aliasRows.length }
}

/** The authors' file names for a data set. */
export function authorsFileNames(dataset: string): { askg: string; xprompt: string } {
  return { askg: `classes_ASKG_${dataset}.yml`, xprompt: `classes_xprompt_${dataset}.yml` }
}

/**
 * Installs the authors' graphs for UCF101, HMDB51 and K400 from a folder holding their released
 * files (the `label_db/` folder of their repository) as `<ds>-authors`, with the shipped alias
 * tables. Data sets whose files are absent are skipped and named.
 */
export function installAuthorsGraphs(db: Db, dir: string): { installed: ImportOutcome[]; skipped: string[] } {
  if (!existsSync(dir)) throw invalid(`no folder ${dir}; give the folder with the authors' classes_ASKG_<ds>.yml and classes_xprompt_<ds>.yml (their label_db/)`)
  const installed: ImportOutcome[] = []
  const skipped: string[] = []
  for (const ds of SHIPPED_DATASETS) {
    const names = authorsFileNames(ds)
    const files = [names.askg, names.xprompt].map((f) => join(dir, f)).filter((p) => existsSync(p))
    if (files.length === 0) {
      skipped.push(`${ds} (no ${names.askg} or ${names.xprompt} in ${dir})`)
      continue
    }
    installed.push(importGraphFiles(db, { files: files.map((file) => ({ file, text: readFileSync(file, 'utf8') })), dataset: ds }))
  }
  if (installed.length === 0) throw invalid(`none of the authors' files are in ${dir}: ${skipped.join('; ')}`)
  return { installed, skipped }
}
