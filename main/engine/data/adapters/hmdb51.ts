import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { hmdbDisplayName, pythonSorted } from '../class-names'
import { DataError } from '../errors'
import { readTextLines } from '../text-file'
import type { VideoItem, VideoList } from '../types'
import { firstDir, partitionExisting } from './locate'
import { HMDB51_CLASS_FOLDERS } from './official-classes'

/** Split-file tags: 1 = train (70/class), 2 = test (30/class), 0 = unused. */
export type HmdbTag = 0 | 1 | 2

export interface Hmdb51Options {
  split?: 1 | 2 | 3
  /** Which tags to keep: EP3 uses [2], EP1/EP2 use [1, 2]. Default [2]. */
  tags?: readonly HmdbTag[]
  checkFiles?: boolean
}

export interface Hmdb51Layout {
  splitDir: string
  videoDir: string
}

const SPLIT_HELP = 'unpack test_train_splits.rar into the data set root (it creates testTrainMulti_7030_splits/), or copy the authors\' zs_label_db/hmdb_split<k>/ folders (with raw_txt/) there'

/** The official archive's folder, the root, then the authors' `raw_txt/` folders. */
function splitFileDirs(split: number): string[] {
  return ['testTrainMulti_7030_splits', 'splits', 'annotations', '', 'raw_txt', `zs_label_db/hmdb_split${split}/raw_txt`, `hmdb_split${split}/raw_txt`]
}

const splitFileSuffix = (split: number): string => `_test_split${split}.txt`

/** Finds the folder with the `<class>_test_split<k>.txt` files of split k and the class-folder video root under an HMDB51 root. */
export function locateHmdb51(root: string, split = 1): Hmdb51Layout {
  const dirs = splitFileDirs(split)
  const found = dirs.map((d) => join(root, d)).find((d) => existsSync(d) && statSync(d).isDirectory() && readdirSync(d).some((f) => f.endsWith(splitFileSuffix(split))))
  if (!found) throw new DataError(`no <class>${splitFileSuffix(split)} files in ${dirs.map((d) => d || '.').join(', ')}`, { file: root, fix: SPLIT_HELP })
  const videoDir = firstDir(root, ['hmdb51_org', 'hmdb51', 'videos', '']) ?? root
  return { splitDir: found, videoDir }
}

/** The class folders that have a split file for split k, sorted by display name (docs/method.md §3.5). */
export function hmdbClassFolders(splitDir: string, split: number): string[] {
  const suffix = splitFileSuffix(split)
  const folders = readdirSync(splitDir)
    .filter((f) => f.endsWith(suffix))
    .map((f) => f.slice(0, -suffix.length))
  if (folders.length === 0) throw new DataError(`no *${suffix} files`, { file: splitDir, fix: SPLIT_HELP })
  const byName = new Map(folders.map((f) => [hmdbDisplayName(f), f]))
  return pythonSorted(byName.keys()).map((n) => byName.get(n) as string)
}

/** A note when the split files cover only part of the official 51 classes: the labels (and EP1's subsets) then follow fewer classes. */
function coverageNote(folders: readonly string[], splitDir: string): string[] {
  const absent = HMDB51_CLASS_FOLDERS.filter((f) => !folders.includes(f))
  if (absent.length === 0 || absent.length === HMDB51_CLASS_FOLDERS.length) return []
  return [`hmdb51: ${splitDir} has split files for ${folders.length} of the 51 official classes (none for ${absent.slice(0, 5).join(', ')}${absent.length > 5 ? ', …' : ''}); labels follow the ${folders.length} present, in alphabetical order`]
}

/** Reads an official HMDB51 split: the videos whose tag is in `tags`, labels in sorted class order. */
export function loadHmdb51(root: string, options: Hmdb51Options = {}): VideoList {
  const split = options.split ?? 1
  const tags = options.tags ?? [2]
  if (![1, 2, 3].includes(split)) throw new DataError(`HMDB51 has splits 1, 2 and 3 (got ${split})`)
  const layout = locateHmdb51(root, split)
  const folders = hmdbClassFolders(layout.splitDir, split)
  for (const s of [1, 2, 3].filter((s) => s !== split)) {
    const other = readdirSync(layout.splitDir).filter((f) => f.endsWith(`_test_split${s}.txt`)).length
    if (other > 0 && other !== folders.length) {
      throw new DataError(`split ${split} has ${folders.length} class files but split ${s} has ${other}`, { file: layout.splitDir, fix: 'some split files are missing; unpack test_train_splits.rar again' })
    }
  }
  const classes = folders.map(hmdbDisplayName)
  const items: VideoItem[] = []
  folders.forEach((folder, label) => {
    const file = join(layout.splitDir, `${folder}_test_split${split}.txt`)
    let kept = 0
    for (const { text, line } of readTextLines(file, 'HMDB51 split file')) {
      const m = /^(\S+)\s+([0-9]+)$/.exec(text)
      if (!m) throw new DataError(`expected "<video>.avi <tag>", got "${text}"`, { file, line })
      const tag = Number(m[2])
      if (tag !== 0 && tag !== 1 && tag !== 2) throw new DataError(`tag ${tag} is not 0 (unused), 1 (train) or 2 (test)`, { file, line })
      if (!tags.includes(tag)) continue
      items.push({ path: join(layout.videoDir, folder, m[1]!), label, className: classes[label]!, source: `${file}:${line}` })
      kept++
    }
    if (kept === 0) throw new DataError(`no videos with tag ${tags.join(' or ')}`, { file, fix: 'the split file is empty or truncated; unpack test_train_splits.rar again' })
  })
  const { present, missing } = partitionExisting(items, options.checkFiles ?? true)
  return { dataset: 'hmdb51', description: `HMDB51 split ${split} tags ${tags.join('+')}`, classes, items: present, missing, notes: coverageNote(folders, layout.splitDir) }
}
