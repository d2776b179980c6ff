import { closeSync, existsSync, openSync, readdirSync, readSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { parseCsvLine } from './csv'

export type KineticsSplit = 'train' | 'val' | 'test'

/** The columns every official Kinetics CSV starts with (`split` and K400's `is_cc` may follow). */
export const KINETICS_COLUMNS = ['label', 'youtube_id', 'time_start', 'time_end'] as const

/** Words of a file name that mean each split (`validate.csv` DeepMind, `kinetics-400_val.csv` ActivityNet, `val.csv` CVDF). */
const SPLIT_WORDS: Record<KineticsSplit, readonly string[]> = { train: ['train'], val: ['val', 'validate', 'validation'], test: ['test'] }

/** The Kinetics version a data set name stands for ("k400" → "400"), or null. */
function versionOf(dataset: string): string | null {
  return /^k(400|600|700)$/.exec(dataset)?.[1] ?? null
}

/** Folders under the root where the downloads put their CSVs (ActivityNet `data/`, CVDF `annotations/`, DeepMind `kinetics400/`). */
export function annotationDirs(dataset: string): string[] {
  const v = versionOf(dataset)
  const named = v ? [`kinetics${v}`, `kinetics-${v}`, `kinetics_${v}`, `k${v}`, `k${v}/annotations`] : []
  return ['', 'annotations', 'data', ...named, 'lists']
}

/** The first line of a file (at most 4 KiB read), without a BOM. */
export function firstLine(file: string): string {
  const fd = openSync(file, 'r')
  try {
    const buf = Buffer.alloc(4096)
    const n = readSync(fd, buf, 0, buf.length, 0)
    return buf.subarray(0, n).toString('utf8').replace(/^\uFEFF/, '').split(/\r?\n/)[0]!.trim()
  } finally {
    closeSync(fd)
  }
}

/** Whether a CSV line is the official Kinetics header. */
export function isKineticsHeader(line: string): boolean {
  const cols = (parseCsvLine(line) ?? []).map((c) => c.trim())
  return KINETICS_COLUMNS.every((c) => cols.includes(c))
}

/** `<path>,<integer label>`: the headless lists the STDD / Open-VCLIP / FROSTER code reads (`zs_label_db/…/test.csv`). */
export function isPathLabelLine(line: string): boolean {
  const f = parseCsvLine(line)
  return f !== null && f.length === 2 && /^\d+$/.test(f[1]!.trim()) && f[0]!.includes('.')
}

export interface KineticsCsvSearch {
  /** The official CSV of the split, or null. */
  file: string | null
  /** Where it was looked for (relative to the root), to name in a message. */
  looked: string[]
  /** CSVs that looked like the split's but were not used, each with the reason. */
  rejected: string[]
}

/**
 * Finds the official CSV of a Kinetics split under `root`: any `*.csv` in the usual annotation folders
 * whose name says the split (`validate.csv`, `val.csv`, `kinetics-400_val.csv`, `kinetics_600_validate.csv` …)
 * and whose first line is the official header. A name that names another Kinetics version
 * (`kinetics-600_val.csv` for k400) is passed over; a file named like the version wins over a generic one.
 */
export function findKineticsCsv(root: string, split: KineticsSplit, dataset: string): KineticsCsvSearch {
  const version = versionOf(dataset)
  const looked: string[] = []
  const rejected: string[] = []
  const found: { file: string; specific: boolean }[] = []
  for (const d of annotationDirs(dataset)) {
    const dir = d ? join(root, d) : root
    if (!existsSync(dir) || !statSync(dir).isDirectory()) continue
    looked.push(d ? `${d}/` : './')
    for (const name of readdirSync(dir).sort()) {
      if (!/\.csv$/i.test(name)) continue
      const words = name.toLowerCase().replace(/\.csv$/, '').split(/[^a-z0-9]+/)
      if (!words.some((w) => SPLIT_WORDS[split].includes(w))) continue
      const file = join(dir, name)
      if (!statSync(file).isFile()) continue
      const rel = relative(root, file)
      const versions: string[] = name.match(/400|600|700/g) ?? []
      if (version && versions.length > 0 && !versions.includes(version)) {
        rejected.push(`${rel} (a Kinetics-${versions[0]} list, not ${dataset})`)
        continue
      }
      const head = firstLine(file)
      if (!isKineticsHeader(head)) {
        rejected.push(`${rel} (${isPathLabelLine(head) ? 'a headless "path,label" list, not the official CSV' : `header "${head.slice(0, 80)}" is not ${KINETICS_COLUMNS.join(',')},…`})`)
        continue
      }
      found.push({ file, specific: version !== null && versions.includes(version) })
    }
  }
  const best = found.find((f) => f.specific) ?? found[0]
  return { file: best?.file ?? null, looked, rejected }
}
