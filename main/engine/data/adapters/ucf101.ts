import { join } from 'node:path'
import { ucfDisplayName } from '../class-names'
import { DataError } from '../errors'
import { readTextLines } from '../text-file'
import type { VideoItem, VideoList } from '../types'
import { firstDir, firstFile, partitionExisting } from './locate'
import { UCF101_CLASS_FOLDERS } from './official-classes'

/** Which official list(s) to read: `test` = testlist0k, `train` = trainlist0k, `trainval` = both (EP1/EP2 use split 1 trainval). */
export type UcfListKind = 'train' | 'test' | 'trainval'

export interface Ucf101Options {
  /** Official split 1, 2 or 3. */
  split?: 1 | 2 | 3
  list?: UcfListKind
  /** Check that each listed video exists (missing ones go to `missing`). Default true. */
  checkFiles?: boolean
}

export interface Ucf101Layout {
  /** Folder with trainlist0k.txt, testlist0k.txt (and classInd.txt). */
  annotationDir: string
  /** classInd.txt, or null for a split folder without one (the authors' `zs_label_db/ucf101_split<k>/`): then the official order applies. */
  classInd: string | null
  /** Folder with the class folders of videos. */
  videoDir: string
}

const SPLIT_HELP = 'download UCF101TrainTestSplits-RecognitionTask.zip and unzip it into the data set root (it creates ucfTrainTestlist/), or copy the authors\' zs_label_db/ucf101_split<k>/ folders there'

/** The official archive's folder, the root, then the authors' per-split folders. */
function annotationDirs(split: number): string[] {
  return ['ucfTrainTestlist', 'annotations', '', `zs_label_db/ucf101_split${split}`, `ucf101_split${split}`]
}

/**
 * Finds the annotation and video folders under a UCF101 root: the first folder with classInd.txt and
 * the split's lists (official archive names, or everything in the root), else the first folder with
 * testlist0k.txt alone (the authors' split folders), whose class ids then follow UCF101's classInd order.
 */
export function locateUcf101(root: string, split = 1): Ucf101Layout {
  const dirs = annotationDirs(split)
  const testList = `testlist0${split}.txt`
  const withIndex = dirs.find((d) => firstFile(join(root, d), ['classInd.txt']) && firstFile(join(root, d), [testList]))
  const withList = withIndex ?? dirs.find((d) => firstFile(join(root, d), [testList])) ?? dirs.find((d) => firstFile(join(root, d), ['classInd.txt']))
  if (withList === undefined) {
    throw new DataError(`no classInd.txt or ${testList} in ${dirs.map((d) => d || '.').join(', ')}`, { file: root, fix: SPLIT_HELP })
  }
  const annotationDir = join(root, withList)
  const videoDir = firstDir(root, ['UCF-101', 'UCF101', 'videos', '']) ?? root
  return { annotationDir, classInd: firstFile(annotationDir, ['classInd.txt']), videoDir }
}

/** classInd.txt: `<1-based id> <CamelCase folder>` per line → folder names in id order. */
export function readUcfClassInd(file: string): string[] {
  const folders: string[] = []
  for (const { text, line } of readTextLines(file, 'UCF101 class index (classInd.txt)')) {
    const m = /^(\d+)\s+(\S+)$/.exec(text)
    if (!m) throw new DataError(`expected "<id> <ClassName>", got "${text}"`, { file, line })
    const id = Number(m[1])
    if (id !== folders.length + 1) throw new DataError(`class id ${id} out of order; expected ${folders.length + 1}`, { file, line, fix: 'ids must run 1, 2, 3, … without gaps' })
    if (folders.includes(m[2]!)) throw new DataError(`class "${m[2]}" listed twice`, { file, line })
    folders.push(m[2]!)
  }
  if (folders.length === 0) throw new DataError('no classes listed', { file, fix: SPLIT_HELP })
  return folders
}

function readUcfList(file: string, kind: 'train' | 'test', folders: readonly string[], classSource: string, videoDir: string): VideoItem[] {
  const byFolder = new Map(folders.map((f, i) => [f, i]))
  const byLower = new Map(folders.map((f, i) => [f.toLowerCase(), i]))
  const items: VideoItem[] = []
  for (const { text, line } of readTextLines(file, `UCF101 ${kind} list`)) {
    const parts = text.split(/\s+/)
    const rel = parts[0]!
    const folder = rel.split('/')[0]!
    if (!rel.includes('/')) throw new DataError(`expected "<Class>/<video>.avi", got "${text}"`, { file, line })
    const label = byFolder.get(folder) ?? byLower.get(folder.toLowerCase())
    if (label === undefined) throw new DataError(`unknown class "${folder}" (not in ${classSource})`, { file, line, fix: 'use the classInd.txt that came with this list' })
    if (kind === 'train') {
      if (parts.length !== 2 || !/^\d+$/.test(parts[1]!)) throw new DataError(`expected "<Class>/<video>.avi <id>", got "${text}"`, { file, line })
      if (Number(parts[1]) !== label + 1) throw new DataError(`label ${parts[1]} does not match class "${folder}" (id ${label + 1} in ${classSource})`, { file, line })
    }
    items.push({ path: join(videoDir, rel), label, className: '', source: `${file}:${line}` })
  }
  if (items.length === 0) throw new DataError(`the ${kind} list is empty`, { file, fix: SPLIT_HELP })
  return items
}

/** Reads an official UCF101 split into a labelled list; labels are classInd ids − 1, names per docs/method.md §3.5. */
export function loadUcf101(root: string, options: Ucf101Options = {}): VideoList {
  const split = options.split ?? 1
  const list = options.list ?? 'test'
  if (![1, 2, 3].includes(split)) throw new DataError(`UCF101 has splits 1, 2 and 3 (got ${split})`)
  const layout = locateUcf101(root, split)
  const folders = layout.classInd ? readUcfClassInd(layout.classInd) : UCF101_CLASS_FOLDERS
  const classSource = layout.classInd ? 'classInd.txt' : "UCF101's official classInd order"
  const classes = folders.map(ucfDisplayName)
  const kinds: ('train' | 'test')[] = list === 'trainval' ? ['train', 'test'] : [list]
  const items = kinds.flatMap((k) => readUcfList(join(layout.annotationDir, `${k}list0${split}.txt`), k, folders, classSource, layout.videoDir))
  for (const it of items) it.className = classes[it.label]!
  const { present, missing } = partitionExisting(items, options.checkFiles ?? true)
  const notes = layout.classInd ? [] : [`ucf101: no classInd.txt next to ${join(layout.annotationDir, `testlist0${split}.txt`)}; class ids follow UCF101's official classInd order`]
  return { dataset: 'ucf101', description: `UCF101 split ${split} ${list}`, classes, items: present, missing, notes }
}
