import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'

/**
 * Citations of Markdown documents in the tree (a path ending in `.md`, optionally followed by
 * `#anchor` or by § numbers) and whether each resolves inside the repository: the file exists (next
 * to the citing file, from the repository root, or as a file of an installed package), every cited
 * § number is a numbered heading of it, and an anchor is one of its headings' GitHub anchors.
 * The project's working notes live outside the repository and were once cited, sometimes by bare
 * name; {@link OUTSIDE_DOCUMENT} reports those names wherever they appear.
 */

export interface DocReference {
  file: string
  line: number
  target: string
  sections: string[]
  anchor: string | null
}

const TEXT_FILE = /\.(ts|vue|js|mjs|cjs|md|yaml|yml|c|h|sh|py)$/
const REFERENCE = /(?<![\w/.-])((?:\.{1,2}\/)*(?:[\w.-]+\/)*[\w.-]+\.md)(#[\w-]+)?((?:(?:,|;|\s|and)*§\s?\d+(?:\.\d+)*(?:[–-]\d+(?:\.\d+)*)?)*)/g
const SECTION_NUMBER = /\d+(?:\.\d+)*/g
/** Names of documents kept outside the repository, which earlier comments cited. */
const OUTSIDE_DOCUMENT = /\bmethod-spec\b|\bdesign\.md\b|\bbackend-measurements\b|\bshared\/docs\b/

/** Every Markdown citation in `text` (a file of the repository at `file`, relative to the root). */
export function findDocReferences(file: string, text: string): DocReference[] {
  const found: DocReference[] = []
  text.split('\n').forEach((line, i) => {
    const outside = OUTSIDE_DOCUMENT.exec(line)
    if (outside) found.push({ file, line: i + 1, target: outside[0], anchor: null, sections: [] })
    for (const m of line.matchAll(REFERENCE)) {
      found.push({ file, line: i + 1, target: m[1]!, anchor: m[2]?.slice(1) ?? null, sections: m[3]?.match(SECTION_NUMBER) ?? [] })
    }
  })
  return found
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens. */
export function headingAnchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-')
}

interface Headings {
  numbers: Set<string>
  anchors: Set<string>
}

function readHeadings(path: string): Headings {
  const numbers = new Set<string>()
  const anchors = new Set<string>()
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const h = /^#{1,6}\s+(.*)$/.exec(line)
    if (!h) continue
    anchors.add(headingAnchor(h[1]!))
    const n = /^(\d+(?:\.\d+)*)[.\s]/.exec(h[1]!)
    if (n) numbers.add(n[1]!)
  }
  return { numbers, anchors }
}

/** Why `ref` does not resolve inside `root`, or null when it does. */
export function checkDocReference(root: string, ref: DocReference): string | null {
  const where = `${ref.file}:${ref.line}: ${ref.target}`
  const candidates = [resolve(root, dirname(ref.file), ref.target), resolve(root, ref.target), resolve(root, 'node_modules', ref.target)]
  const path = candidates.find((p) => !relative(root, p).startsWith('..') && existsSync(p) && statSync(p).isFile())
  if (!path) return `${where} is not a file of the repository (cite docs/… instead)`
  if (!ref.sections.length && !ref.anchor) return null
  const headings = readHeadings(path)
  const missing = ref.sections.filter((s) => !headings.numbers.has(s))
  if (missing.length) return `${where} has no section ${missing.map((s) => `§${s}`).join(', ')}`
  if (ref.anchor && !headings.anchors.has(ref.anchor)) return `${where} has no heading with the anchor #${ref.anchor}`
  return null
}

/** The text files git tracks (and untracked ones it does not ignore) under `root`. */
export function repositoryTextFiles(root: string): string[] {
  const out = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' })
  return out.split('\n').filter((f) => TEXT_FILE.test(f) && existsSync(join(root, f)))
}

/** Every citation in the repository that does not resolve, as one message each. */
export function unresolvedDocReferences(root: string): string[] {
  const problems: string[] = []
  for (const file of repositoryTextFiles(root)) {
    for (const ref of findDocReferences(file, readFileSync(join(root, file), 'utf8'))) {
      const problem = checkDocReference(root, ref)
      if (problem) problems.push(problem)
    }
  }
  return problems
}
