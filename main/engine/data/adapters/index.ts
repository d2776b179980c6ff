import { DataError } from '../errors'
import { DATASET_NAMES, type DatasetName, type VideoList } from '../types'
import { loadHmdb51 } from './hmdb51'
import { loadK600ZeroShot } from './k600-zeroshot-root'
import { loadKineticsRoot, type KineticsSplit } from './kinetics-root'
import { loadUcf101 } from './ucf101'

export { loadUcf101, locateUcf101, readUcfClassInd } from './ucf101'
export { loadHmdb51, locateHmdb51 } from './hmdb51'
export { loadKineticsCsv, loadKineticsFolders } from './kinetics'
export { loadKineticsRoot } from './kinetics-root'
export { loadK600ZeroShot } from './k600-zeroshot-root'
export { loadK600ZeroShotSplit, readClasses620, readClassIdxSplits } from './k600-zeroshot'

/** What `--split` means for each data set: 1/2/3 (UCF101, HMDB51, K600 zero-shot) or train/val/test (K400). */
export type SplitArg = string | number

/** The evaluation list a user most often means by "data set X, split k" (official test list / zero-shot split). */
export function loadDatasetSplit(root: string, dataset: DatasetName, split?: SplitArg): VideoList {
  switch (dataset) {
    case 'ucf101':
      return loadUcf101(root, { split: numberedSplit(split, dataset), list: 'test' })
    case 'hmdb51':
      return loadHmdb51(root, { split: numberedSplit(split, dataset), tags: [2] })
    case 'k400':
      return loadKineticsRoot(root, kineticsSplit(split), 'k400')
    case 'k600':
      return loadK600ZeroShot(root, numberedSplit(split, dataset))
    default:
      throw new DataError(`unknown data set "${String(dataset)}"; choose from ${DATASET_NAMES.join(', ')}`)
  }
}

function numberedSplit(split: SplitArg | undefined, dataset: string): 1 | 2 | 3 {
  const n = split === undefined ? 1 : Number(split)
  if (n !== 1 && n !== 2 && n !== 3) throw new DataError(`${dataset}: --split must be 1, 2 or 3 (got "${String(split)}")`)
  return n
}

function kineticsSplit(split: SplitArg | undefined): KineticsSplit {
  const s = split === undefined ? 'val' : String(split)
  if (s !== 'train' && s !== 'val' && s !== 'test') throw new DataError(`k400: --split must be train, val or test (got "${s}")`)
  return s
}
