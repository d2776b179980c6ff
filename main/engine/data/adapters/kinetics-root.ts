import { join } from 'node:path'
import { DataError } from '../errors'
import type { VideoList } from '../types'
import { loadK600ZeroShotSplit } from './k600-zeroshot'
import { loadKineticsCsv, loadKineticsFolders } from './kinetics'
import { firstDir, firstFile } from './locate'

export type KineticsSplit = 'train' | 'val' | 'test'

const CSV_NAMES: Record<KineticsSplit, string[]> = {
  train: ['train.csv', 'kinetics_train.csv'],
  val: ['validate.csv', 'val.csv', 'kinetics_val.csv'],
  test: ['test.csv', 'kinetics_test.csv'],
}
const ANNOTATION_DIRS = ['', 'annotations', 'kinetics400', 'kinetics600', 'kinetics-400', 'kinetics-600', 'lists']
const SPLIT_DIRS: Record<KineticsSplit, string[]> = {
  train: ['train', 'videos/train', 'kinetics_train'],
  val: ['val', 'validate', 'videos/val', 'kinetics_val'],
  test: ['test', 'videos/test', 'kinetics_test'],
}

function candidates(names: string[]): string[] {
  return ANNOTATION_DIRS.flatMap((d) => names.map((n) => (d ? join(d, n) : n)))
}

/**
 * A Kinetics split under `root`: the official CSV (`validate.csv` …, in the root or annotations/) with
 * videos found by name anywhere under the split folder (or the root), else the class-folder layout
 * `<root>/<split>/<class_name>/…`.
 */
export function loadKineticsRoot(root: string, split: KineticsSplit, dataset: string, classes?: readonly string[]): VideoList {
  const csv = firstFile(root, candidates(CSV_NAMES[split]))
  const splitDir = firstDir(root, SPLIT_DIRS[split])
  if (csv) return loadKineticsCsv(csv, { videoDir: splitDir ?? root, classes, dataset })
  if (splitDir) return loadKineticsFolders(splitDir, { classes, dataset })
  throw new DataError(`no ${CSV_NAMES[split][0]} and no ${SPLIT_DIRS[split][0]}/ class folders`, {
    file: root,
    fix: `put the official CSV (label,youtube_id,time_start,time_end,split) in the root, or the videos in ${SPLIT_DIRS[split][0]}/<class_name>/`,
  })
}

const ZS_DIRS = ['', 'zsl220', 'resource', 'zs', 'k600_zeroshot', 'annotations']

/**
 * The Kinetics-600 zero-shot evaluation set of split k (method-spec §5.5): the K600 validation videos of
 * the split's 160 test classes, labels = index into the alphabetically sorted 160 names.
 */
export function loadK600ZeroShot(root: string, split: 1 | 2 | 3): VideoList {
  const find = (name: string): string | null => firstFile(root, ZS_DIRS.map((d) => (d ? join(d, name) : name)))
  const classes620 = find('classes620_label_defn.json') ?? find('classes620.json')
  const tst = find('tst_class_idxs.json')
  if (!classes620 || !tst) {
    throw new DataError('missing classes620_label_defn.json or tst_class_idxs.json', {
      file: root,
      fix: 'copy them from ER-ZSAR (datasets/Kinetics/zsl220/) or STDD (zs_label_db/k600_split*/resource/) into the root or zsl220/',
    })
  }
  const zs = loadK600ZeroShotSplit(classes620, tst, split, find('val_class_idxs.json') ?? undefined)
  const list = loadKineticsRoot(root, 'val', 'k600', zs.testClasses)
  const counts = new Array<number>(zs.testClasses.length).fill(0)
  for (const it of [...list.items, ...list.missing]) counts[it.label]++
  const empty = zs.testClasses.filter((_, i) => counts[i] === 0)
  if (empty.length) {
    throw new DataError(`no validation videos for ${empty.length} test class(es) of split ${split}: ${empty.slice(0, 5).map((c) => `"${c}"`).join(', ')}${empty.length > 5 ? ', …' : ''}`, {
      file: root,
      fix: 'the K600 validation list must use the same class names as classes620_label_defn.json',
    })
  }
  return { ...list, description: `Kinetics-600 zero-shot split ${split} (160 test classes, K600 val videos)` }
}
