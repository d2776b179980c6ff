import { existsSync } from 'node:fs'
import { basename, extname, join } from 'node:path'
import { kineticsNameFromFolder } from '../class-names'
import { DataError } from '../errors'
import { readTextLines } from '../text-file'
import type { VideoItem, VideoList } from '../types'
import { parseCsvLine } from './csv'
import { indexVideoFiles } from './video-index'

export interface PathLabelCsvOptions {
  /** The folder the paths are relative to (PySlowFast's `DATA.PATH_PREFIX`). */
  videoRoot: string
  /** Label i is `classes[i]`. */
  classes: readonly string[]
  dataset: string
  description: string
}

/**
 * Reads a headless `<path>,<label>` list as the STDD / Open-VCLIP / FROSTER code does
 * (`zs_label_db/k600_split1/test.csv`: `val/adjusting_glasses/<ytid>_<s6>_<e6>.mp4,0`). Each path's class
 * folder must be its label's class (so a list of another split or class order is caught at its first line).
 * A path not under `videoRoot` is looked up by file name anywhere under it (flat downloads); those not
 * found go to `missing`.
 */
export function loadPathLabelCsv(file: string, options: PathLabelCsvOptions): VideoList {
  const { classes, videoRoot } = options
  let index: Map<string, string> | null = null
  const items: VideoItem[] = []
  const missing: VideoItem[] = []
  for (const { text, line } of readTextLines(file, `${options.dataset} video list`)) {
    const f = parseCsvLine(text)
    if (!f || f.length !== 2 || !/^\d+$/.test(f[1]!.trim())) throw new DataError(`expected "<path>,<label>", got "${text}"`, { file, line })
    const rel = f[0]!.trim()
    const label = Number(f[1])
    const className = classes[label]
    if (className === undefined) throw new DataError(`label ${label} is outside 0…${classes.length - 1}`, { file, line, fix: 'the list belongs to another class list or split' })
    const parts = rel.split('/')
    const folder = parts.length > 1 ? parts[parts.length - 2]! : null
    if (folder !== null && folder !== className && kineticsNameFromFolder(folder) !== className) {
      throw new DataError(`label ${label} is "${className}" but the video's folder is "${folder}"`, { file, line, fix: 'the list belongs to another split or class list; use the one from the same zs_label_db/<split> folder as the class files' })
    }
    const direct = join(videoRoot, rel)
    let path: string | undefined = existsSync(direct) ? direct : undefined
    if (!path) {
      index ??= existsSync(videoRoot) ? indexVideoFiles(videoRoot) : new Map<string, string>()
      path = index.get(basename(rel, extname(rel)))
    }
    ;(path ? items : missing).push({ path: path ?? direct, label, className, source: `${file}:${line}` })
  }
  if (items.length + missing.length === 0) throw new DataError('the list is empty', { file })
  return { dataset: options.dataset, description: options.description, classes: [...classes], items, missing }
}
