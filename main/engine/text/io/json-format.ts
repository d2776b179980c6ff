import { z } from 'zod'
import { checkGraphClass } from '../askg/schema'
import { formatIssue, type GraphClass } from '../askg/types'

/** The project's own JSON export of one graph version: every class with its provenance. */
export const JSON_FORMAT = 'stdd-askg'
export const JSON_FORMAT_VERSION = 1

export interface GraphJson {
  format: typeof JSON_FORMAT
  formatVersion: number
  name: string
  dataset: string
  version: number
  note: string
  createdAt: string
  classes: GraphClass[]
}

const header = z.object({
  format: z.literal(JSON_FORMAT),
  formatVersion: z.literal(JSON_FORMAT_VERSION),
  name: z.string().min(1),
  dataset: z.string().min(1),
  version: z.number().int().positive(),
  note: z.string(),
  createdAt: z.string(),
  classes: z.array(z.unknown()),
})

export function exportGraphJson(g: Omit<GraphJson, 'format' | 'formatVersion'>): string {
  const doc: GraphJson = { format: JSON_FORMAT, formatVersion: JSON_FORMAT_VERSION, ...g, classes: [...g.classes].sort((a, b) => a.index - b.index) }
  return JSON.stringify(doc, null, 2) + '\n'
}

/** Whether a text looks like this project's JSON export. */
export function isGraphJson(text: string): boolean {
  const t = text.trimStart()
  if (!t.startsWith('{')) return false
  try {
    return (JSON.parse(t) as { format?: unknown }).format === JSON_FORMAT
  } catch {
    return false
  }
}

/** Reads a JSON export, validating the header and every class; errors name the class, field and fix. */
export function parseGraphJson(text: string, file: string): GraphJson {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (err) {
    throw new Error(`${file}: not valid JSON (${(err as Error).message})`, { cause: err })
  }
  const h = header.safeParse(raw)
  if (!h.success) {
    const i = h.error.issues[0]!
    throw new Error(`${file}: field ${i.path.join('.') || '(root)'} ${i.message}; this is not a "${JSON_FORMAT}" v${JSON_FORMAT_VERSION} export from "stdd askg export --format json"`)
  }
  const problems: string[] = []
  const classes: GraphClass[] = []
  for (const c of h.data.classes) {
    const r = checkGraphClass(c)
    if ('issues' in r) problems.push(...r.issues.map(formatIssue))
    else classes.push(r.cls)
  }
  if (problems.length) throw new Error(`${file}: ${problems.length} problem(s):\n  ${problems.join('\n  ')}`)
  return { ...h.data, format: JSON_FORMAT, formatVersion: JSON_FORMAT_VERSION, classes }
}
