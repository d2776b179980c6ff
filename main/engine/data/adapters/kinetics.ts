import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { kineticsNameFromFolder, pythonSorted } from '../class-names'
import { DataError } from '../errors'
import { readTextLines } from '../text-file'
import type { VideoItem, VideoList } from '../types'
import { parseCsvLine } from './csv'
import { indexVideoFiles, kineticsClipName, VIDEO_EXTENSIONS } from './video-index'

export interface KineticsCsvOptions {
  /** Folder searched (recursively) for `<ytid>_<start6>_<end6>.*`. */
  videoDir: string
  /**
   * The class list, index = label. Rows of other classes are left out (a zero-shot split). Default: the
   * CSV's labels sorted (Kinetics indexes classes alphabetically), and an unknown label is impossible.
   */
  classes?: readonly string[]
  /** The name the list reports (default "kinetics"). */
  dataset?: string
}

/** Reads an official Kinetics CSV (`label,youtube_id,time_start,time_end,split[,is_cc]`, header required). */
export function loadKineticsCsv(csvFile: string, options: KineticsCsvOptions): VideoList {
  const lines = readTextLines(csvFile, 'Kinetics CSV')
  if (lines.length === 0) throw new DataError('the CSV is empty', { file: csvFile })
  const header = parseCsvLine(lines[0]!.text)?.map((h) => h.trim()) ?? []
  const col = (name: string): number => header.indexOf(name)
  for (const need of ['label', 'youtube_id', 'time_start', 'time_end']) {
    if (col(need) < 0) {
      throw new DataError(`the header has no "${need}" column (header: "${lines[0]!.text}")`, {
        file: csvFile,
        line: lines[0]!.line,
        fix: need === 'label' ? 'the official test CSV has no labels; use the validation CSV (validate.csv)' : 'expected the official header label,youtube_id,time_start,time_end,split',
      })
    }
  }
  const rows: { label: string; name: string; line: number }[] = []
  for (const { text, line } of lines.slice(1)) {
    const f = parseCsvLine(text)
    if (!f || f.length < header.length) throw new DataError(`expected ${header.length} fields, got "${text}"`, { file: csvFile, line })
    const start = Number(f[col('time_start')])
    const end = Number(f[col('time_end')])
    if (!Number.isFinite(start) || !Number.isFinite(end)) throw new DataError(`time_start/time_end must be numbers, got "${text}"`, { file: csvFile, line })
    rows.push({ label: f[col('label')]!.trim(), name: kineticsClipName(f[col('youtube_id')]!, start, end), line })
  }
  if (rows.length === 0) throw new DataError('the CSV lists no videos', { file: csvFile })
  const classes = options.classes ? [...options.classes] : pythonSorted(new Set(rows.map((r) => r.label)))
  const labelOf = new Map(classes.map((c, i) => [c, i]))
  if (!existsSync(options.videoDir)) throw new DataError('video folder not found', { file: options.videoDir, fix: 'pass the folder that holds the downloaded clips' })
  const files = indexVideoFiles(options.videoDir)
  const items: VideoItem[] = []
  const missing: VideoItem[] = []
  for (const r of rows) {
    const label = labelOf.get(r.label)
    if (label === undefined) {
      if (options.classes) continue // a class outside the requested list (e.g. a zero-shot split)
      throw new DataError(`unknown class "${r.label}"`, { file: csvFile, line: r.line })
    }
    const path = files.get(r.name)
    const item = { path: path ?? join(options.videoDir, `${r.name}.mp4`), label, className: classes[label]!, source: `${csvFile}:${r.line}` }
    ;(path ? items : missing).push(item)
  }
  if (items.length + missing.length === 0) throw new DataError('no rows of the requested classes', { file: csvFile })
  return { dataset: options.dataset ?? 'kinetics', description: `Kinetics ${csvFile}`, classes, items, missing }
}

export interface KineticsFolderOptions {
  classes?: readonly string[]
  dataset?: string
}

/** Reads the class-folder layout `<dir>/<class_folder>/<video>.mp4`; classes sorted by name unless given. */
export function loadKineticsFolders(dir: string, options: KineticsFolderOptions = {}): VideoList {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new DataError('class-folder root not found', { file: dir, fix: 'expected <root>/<split>/<class_name>/<ytid>_<start6>_<end6>.mp4' })
  const folders = readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory())
  const byName = new Map(folders.map((e) => [kineticsNameFromFolder(e.name), e.name]))
  const classes = options.classes ? [...options.classes] : pythonSorted(byName.keys())
  if (classes.length === 0) throw new DataError('no class folders', { file: dir, fix: 'expected <root>/<split>/<class_name>/<video>.mp4' })
  const items: VideoItem[] = []
  classes.forEach((name, label) => {
    const folder = byName.get(name)
    if (!folder) throw new DataError(`no folder for class "${name}"`, { file: dir, fix: `expected a folder named "${name.replace(/ /g, '_')}"` })
    const classDir = join(dir, folder)
    const videos = readdirSync(classDir)
      .filter((f) => (VIDEO_EXTENSIONS as readonly string[]).some((ext) => f.toLowerCase().endsWith(ext)))
      .sort()
    if (videos.length === 0) throw new DataError(`class "${name}" has no videos`, { file: classDir })
    for (const v of videos) items.push({ path: join(classDir, v), label, className: name, source: classDir })
  })
  return { dataset: options.dataset ?? 'kinetics', description: `Kinetics class folders ${dir}`, classes, items, missing: [] }
}
