import { PROTOCOLS, type Protocol } from '../../../../contract/vocabulary'
import { loadHmdb51 } from '../adapters/hmdb51'
import { loadK600ZeroShot } from '../adapters/k600-zeroshot-root'
import { loadKineticsRoot } from '../adapters/kinetics-root'
import { loadUcf101 } from '../adapters/ucf101'
import { DataError } from '../errors'
import type { VideoList } from '../types'
import { restrictClasses } from './restrict'
import { EP1_DEFAULT_COUNT, EP1_DEFAULT_SEED, halfClassSubsets } from './subsets'

/**
 * The sets of each evaluation protocol (`PROTOCOLS` of contract/vocabulary.ts: docs/method.md §5, and `full`:
 * every class of the data set at once (UCF101/HMDB51: EP2's full label set; Kinetics: the closed-set
 * validation set)) and the data sets each applies to.
 */

/** One evaluation set of a protocol; a protocol's result is the mean ± std over its sets (EP2: one set). */
export interface ProtocolSet {
  /** "subset 0" … "subset 9", "full", "split 1" … */
  name: string
  list: VideoList
}

export interface ProtocolOptions {
  checkFiles?: boolean
  /** EP1 only: how many subsets and the seed (default 10, 2023). */
  count?: number
  seed?: number | bigint
}

type Ep1Dataset = 'ucf101' | 'hmdb51'

/** The class-complete list EP1 and EP2 draw from: UCF split-1 train+test; HMDB split-1 tags 1+2. */
function ep12Pool(root: string, dataset: Ep1Dataset, checkFiles: boolean): VideoList {
  return dataset === 'ucf101' ? loadUcf101(root, { split: 1, list: 'trainval', checkFiles }) : loadHmdb51(root, { split: 1, tags: [1, 2], checkFiles })
}

/** EP1: 10 random half-class subsets (UCF 50/101, HMDB 25/51) of the EP2 pool, labels re-indexed per subset. */
export function ep1Sets(root: string, dataset: Ep1Dataset, options: ProtocolOptions = {}): ProtocolSet[] {
  const pool = ep12Pool(root, dataset, options.checkFiles ?? true)
  return halfClassSubsets(pool.classes.length, options.count ?? EP1_DEFAULT_COUNT, options.seed ?? EP1_DEFAULT_SEED).map((subset, i) => ({
    name: `subset ${i}`,
    list: restrictClasses(pool, subset, `${pool.dataset} EP1 subset ${i} (${subset.length}/${pool.classes.length} classes)`),
  }))
}

/** EP2: the full label set (UCF: all 13,320 videos; HMDB: split-1 tags 1+2, 5,100 videos). */
export function ep2Sets(root: string, dataset: Ep1Dataset, options: ProtocolOptions = {}): ProtocolSet[] {
  const list = ep12Pool(root, dataset, options.checkFiles ?? true)
  return [{ name: 'full', list: { ...list, description: `${list.dataset} EP2 full label set` } }]
}

/** EP3: the three official test splits (UCF testlist0k; HMDB tag 2 of split k). */
export function ep3Sets(root: string, dataset: Ep1Dataset, options: ProtocolOptions = {}): ProtocolSet[] {
  return ([1, 2, 3] as const).map((split) => ({
    name: `split ${split}`,
    list: dataset === 'ucf101' ? loadUcf101(root, { split, list: 'test', checkFiles: options.checkFiles ?? true }) : loadHmdb51(root, { split, tags: [2], checkFiles: options.checkFiles ?? true }),
  }))
}

/** Kinetics-600: the three zero-shot splits of 160 test classes. */
export function k600Sets(root: string): ProtocolSet[] {
  return ([1, 2, 3] as const).map((split) => ({ name: `split ${split}`, list: loadK600ZeroShot(root, split) }))
}

/** Kinetics-400/600 closed set: the official validation list with all of its classes (labels = alphabetical index). */
export function kineticsValSets(root: string, dataset: 'k400' | 'k600'): ProtocolSet[] {
  const list = loadKineticsRoot(root, 'val', dataset)
  return [{ name: 'val', list: { ...list, description: `${dataset} validation set, all ${list.classes.length} classes (closed set)` } }]
}

/** The evaluation sets of a protocol on a data set (EP1–EP3: ucf101 or hmdb51; k600: k600; full: any). */
export function protocolSets(protocol: Protocol, dataset: string, root: string, options: ProtocolOptions = {}): ProtocolSet[] {
  if (protocol === 'full') {
    if (dataset === 'k400' || dataset === 'k600') return kineticsValSets(root, dataset)
    if (dataset === 'ucf101' || dataset === 'hmdb51') return ep2Sets(root, dataset, options)
    throw new DataError(`the full protocol runs on ucf101, hmdb51, k400 or k600 (got "${dataset}")`)
  }
  if (protocol === 'k600') {
    if (dataset !== 'k600') throw new DataError(`the k600 protocol runs on the k600 data set (got "${dataset}")`)
    return k600Sets(root)
  }
  if (dataset !== 'ucf101' && dataset !== 'hmdb51') {
    throw new DataError(`${protocol.toUpperCase()} runs on ucf101 or hmdb51 (got "${dataset}")`, { fix: dataset === 'k400' || dataset === 'k600' ? `use protocol: full for the closed-set ${dataset} validation set${dataset === 'k600' ? ', or protocol: k600 for the zero-shot splits' : ''}` : undefined })
  }
  if (protocol === 'ep1') return ep1Sets(root, dataset, options)
  if (protocol === 'ep2') return ep2Sets(root, dataset, options)
  if (protocol === 'ep3') return ep3Sets(root, dataset, options)
  throw new DataError(`unknown protocol "${String(protocol)}"; choose from ${PROTOCOLS.join(', ')}`)
}
