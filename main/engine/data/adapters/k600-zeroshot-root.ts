import { join, relative } from 'node:path'
import { DataError } from '../errors'
import type { VideoList } from '../types'
import { loadK600ZeroShotSplit } from './k600-zeroshot'
import { firstLine, isPathLabelLine } from './kinetics-find'
import { loadKineticsRoot } from './kinetics-root'
import { firstFile } from './locate'
import { loadPathLabelCsv } from './path-label-csv'

/** ER-ZSAR's folder (`zsl220/`) and other places people keep the class files, relative to the root. */
const CLASS_FILE_DIRS = ['', 'zsl220', 'resource', 'zs', 'k600_zeroshot', 'annotations']

/** The authors' per-split folders (STDD / Open-VCLIP / FROSTER `zs_label_db/k600_split<k>/`), relative to the root. */
function splitFolders(split: number): string[] {
  return [`zs_label_db/k600_split${split}`, `k600_split${split}`]
}

/** Where a class file is looked for: the split's folder and its resource/, the usual folders, then the other splits' resource/ (the file is the same in all three). */
function classFileDirs(split: 1 | 2 | 3): string[] {
  const own = splitFolders(split).flatMap((f) => [f, `${f}/resource`])
  const others = ([1, 2, 3] as const).filter((s) => s !== split).flatMap((s) => splitFolders(s).map((f) => `${f}/resource`))
  return [...own, ...CLASS_FILE_DIRS, ...others]
}

function findFile(root: string, dirs: readonly string[], names: readonly string[]): string | null {
  for (const d of dirs) {
    const file = firstFile(join(root, d), names)
    if (file) return file
  }
  return null
}

/** The authors' headless `path,label` test list of split k (`test.csv`, in some releases `val.csv`), or null. */
function findAuthorsList(root: string, split: 1 | 2 | 3): string | null {
  for (const d of [...splitFolders(split), '']) {
    for (const n of ['test.csv', 'val.csv']) {
      const file = firstFile(join(root, d), [n])
      if (file && isPathLabelLine(firstLine(file))) return file
    }
  }
  return null
}

/**
 * The Kinetics-600 zero-shot evaluation set of split k (docs/method.md §5.5): the K600 validation videos of
 * the split's 160 test classes, labels = index into the alphabetically sorted 160 names.
 *
 * The class files (`classes620_label_defn.json`, `tst_class_idxs.json`) are found in the authors'
 * `zs_label_db/k600_split<k>/resource/`, in ER-ZSAR's `zsl220/` or in the root. The videos come from the
 * authors' headless `test.csv` of that split (paths relative to the root, e.g. `val/<class>/<clip>.mp4`)
 * when there is one, else from the official K600 validation CSV or class folders.
 */
export function loadK600ZeroShot(root: string, split: 1 | 2 | 3): VideoList {
  const dirs = classFileDirs(split)
  const classes620 = findFile(root, dirs, ['classes620_label_defn.json', 'classes620.json'])
  const tst = findFile(root, dirs, ['tst_class_idxs.json'])
  if (!classes620 || !tst) {
    throw new DataError(`no ${classes620 ? 'tst_class_idxs.json' : tst ? 'classes620_label_defn.json' : 'classes620_label_defn.json or tst_class_idxs.json'} in ${dirs.map((d) => d || '.').join(', ')}`, {
      file: root,
      fix: 'copy the authors\' zs_label_db/k600_split1…3/ folders (STDD, Open-VCLIP or FROSTER; their resource/ holds both files) into the root, or ER-ZSAR\'s datasets/Kinetics/zsl220/',
    })
  }
  const zs = loadK600ZeroShotSplit(classes620, tst, split, findFile(root, dirs, ['val_class_idxs.json']) ?? undefined)
  const description = `Kinetics-600 zero-shot split ${split} (160 test classes, K600 val videos)`
  const authors = findAuthorsList(root, split)
  const list = authors
    ? { ...loadPathLabelCsv(authors, { videoRoot: root, classes: zs.testClasses, dataset: 'k600', description }), notes: [`k600 split ${split}: the authors' list ${relative(root, authors)}, videos relative to ${root}`] }
    : loadKineticsRoot(root, 'val', 'k600', zs.testClasses)
  const counts = new Array<number>(zs.testClasses.length).fill(0)
  for (const it of [...list.items, ...list.missing]) counts[it.label]!++
  const empty = zs.testClasses.filter((_, i) => counts[i] === 0)
  if (empty.length) {
    throw new DataError(`no validation videos for ${empty.length} test class(es) of split ${split}: ${empty.slice(0, 5).map((c) => `"${c}"`).join(', ')}${empty.length > 5 ? ', …' : ''}`, {
      file: authors ?? root,
      fix: 'the K600 validation list must use the same class names as classes620_label_defn.json',
    })
  }
  const notes = authors ? list.notes : [`k600 split ${split}: no authors' test.csv in ${splitFolders(split).join(' or ')}; the videos come from the K600 validation set`, ...(list.notes ?? [])]
  return { ...list, description, notes }
}
