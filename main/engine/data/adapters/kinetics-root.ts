import { relative } from 'node:path'
import { DataError } from '../errors'
import type { VideoList } from '../types'
import { findKineticsCsv, KINETICS_COLUMNS, type KineticsSplit } from './kinetics-find'
import { loadKineticsCsv, loadKineticsFolders } from './kinetics'
import { firstDir } from './locate'

export type { KineticsSplit } from './kinetics-find'

/** Folders the downloads put a split's videos in (flat, or in class folders): ActivityNet/DeepMind `val/`, CVDF `k400/val/`, `videos/val/`. */
function splitDirs(split: KineticsSplit, dataset: string): string[] {
  const words = split === 'val' ? ['val', 'validate'] : [split]
  const version = /^k(\d+)$/.exec(dataset)?.[1]
  return words.flatMap((w) => [w, `videos/${w}`, `kinetics_${w}`, ...(version ? [`k${version}/${w}`, `kinetics${version}/${w}`] : [])])
}

/**
 * A Kinetics split under `root`: the official CSV (`kinetics-400_val.csv`, `validate.csv`, `val.csv` … in
 * the root, annotations/ or data/; see findKineticsCsv) with its videos `<ytid>_<start6>_<end6>.*` found by
 * name anywhere under the split folder (or the root), and listed-but-absent ones in `missing`. Without a
 * CSV, the class folders `<root>/<split>/<class_name>/…` are read, and a note says why and what that loses.
 */
export function loadKineticsRoot(root: string, split: KineticsSplit, dataset: string, classes?: readonly string[]): VideoList {
  const search = findKineticsCsv(root, split, dataset)
  const splitDir = firstDir(root, splitDirs(split, dataset))
  if (search.file) {
    const list = loadKineticsCsv(search.file, { videoDir: splitDir ?? root, classes, dataset })
    return { ...list, notes: [`${dataset} ${split} list: ${relative(root, search.file)} (official CSV); videos looked up by name under ${splitDir ?? root}`] }
  }
  const why = `no official Kinetics ${split} CSV (header ${KINETICS_COLUMNS.join(',')},…) in ${search.looked.join(', ') || './'} of ${root}${search.rejected.length ? `; passed over ${search.rejected.join('; ')}` : ''}`
  if (splitDir) {
    const list = loadKineticsFolders(splitDir, { classes, dataset })
    return { ...list, notes: [`${why}: reading the class folders of ${splitDir} instead, so videos that were never downloaded cannot be reported as missing`] }
  }
  throw new DataError(why, {
    file: root,
    fix: `put the official CSV (kinetics-400_val.csv / kinetics-600_val.csv from ActivityNet, or validate.csv) in the root or annotations/, and the videos <ytid>_<start6>_<end6>.mp4 in ${split}/ (flat or in class folders)`,
  })
}
