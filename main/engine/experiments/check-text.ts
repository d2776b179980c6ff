import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml'
import type { ExperimentProblem } from '../../../contract'
import { ExperimentFileError, resolveExperiment } from './resolve'

/**
 * Experiment YAML checked as it is typed (the explorer's editor): the same validation as `stdd run`
 * (resolve.ts), each problem placed at its line and column — a YAML syntax error where the parser
 * stopped, a config problem at its key (in the file's base, or in the sweep variant that set it) —
 * in the order of the text.
 */

export interface ExperimentCheck {
  name: string | null
  runs: number
  problems: ExperimentProblem[]
}

type Segment = string | number

/** How far `segments` lead into the document: how many matched, and the offset of the last key (or list item) reached. */
function walk(doc: Document, segments: readonly Segment[]): { matched: number; offset: number } {
  let node: unknown = doc.contents
  let offset = 0
  let matched = 0
  for (const seg of segments) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg))
      if (!pair) break
      offset = (pair.key as { range?: [number, number, number] }).range?.[0] ?? offset
      node = pair.value
    } else if (isSeq(node)) {
      const item = node.items[Number(seg)] as { range?: [number, number, number] } | undefined
      if (!item) break
      offset = item.range?.[0] ?? offset
      node = item
    } else break
    matched++
  }
  return { matched, offset }
}

/** Where a dotted config key is written: in the file's base, or in a sweep variant, whichever reaches deepest. */
function offsetOf(doc: Document, path: string): number {
  const segments = path.split('.')
  const variants = doc.getIn(['sweep', 'variants'])
  const prefixes: Segment[][] = [[], ...(isSeq(variants) ? variants.items.map((_, i) => ['sweep', 'variants', i]) : [])]
  let best = { matched: -1, offset: 0 }
  for (const prefix of prefixes) {
    const found = walk(doc, [...prefix, ...segments])
    const matched = found.matched - prefix.length
    if (matched > best.matched && (prefix.length === 0 || found.matched >= prefix.length)) best = { matched, offset: found.offset }
  }
  return best.offset
}

export function checkExperimentText(text: string, source: string, baseDir: string): ExperimentCheck {
  const lines = new LineCounter()
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false })
  const at = (offset: number) => {
    const { line, col } = lines.linePos(offset)
    return { line, column: col }
  }
  if (doc.errors.length) return { name: null, runs: 0, problems: doc.errors.map((e) => ({ message: `not valid YAML: ${e.message}`, path: null, ...at(e.pos[0]) })) }
  try {
    const e = resolveExperiment(doc.toJS(), source, baseDir)
    return { name: e.name, runs: e.runs.length, problems: [] }
  } catch (err) {
    if (!(err instanceof ExperimentFileError)) throw err
    const problems = err.issues.length
      ? err.issues.map((i) => ({ message: `${i.path}: ${i.message}`, path: i.path, ...at(offsetOf(doc, i.path)) }))
      : [{ message: err.message.replaceAll(`${source}: `, ''), path: null, line: 1, column: 1 }]
    return { name: null, runs: 0, problems: problems.sort((a, b) => a.line - b.line || a.column - b.column) }
  }
}
