import { pythonSorted } from '../class-names'
import { DataError } from '../errors'
import { readJsonFile } from '../text-file'

/** The 620-class list of ER-ZSAR: 0–399 the Kinetics-400 classes, 400–619 the 220 new Kinetics-600 classes. */
export const K600_ZS_CLASS_COUNT = 620
export const K600_ZS_TEST_CLASSES = 160
export const K600_ZS_VAL_CLASSES = 60

/** Reads `classes620_label_defn.json` (objects with `word`) or a plain JSON list of 620 names. */
export function readClasses620(file: string): string[] {
  const data = readJsonFile(file, 'Kinetics-600 zero-shot class list (classes620_label_defn.json)')
  if (!Array.isArray(data)) throw new DataError('expected a JSON list of classes', { file })
  const names = data.map((entry, i) => {
    const name = typeof entry === 'string' ? entry : (entry as { word?: unknown } | null)?.word
    if (typeof name !== 'string' || !name.trim()) throw new DataError(`entry ${i} has no class name (expected a string or an object with "word")`, { file })
    return name.trim()
  })
  if (names.length !== K600_ZS_CLASS_COUNT) throw new DataError(`expected ${K600_ZS_CLASS_COUNT} classes, found ${names.length}`, { file, fix: 'use ER-ZSAR\'s classes620_label_defn.json' })
  return names
}

/** Reads `tst_class_idxs.json` or `val_class_idxs.json`: a list of 3 lists of indices into the 620 classes. */
export function readClassIdxSplits(file: string, expectedPerSplit: number): number[][] {
  const data = readJsonFile(file, 'Kinetics-600 zero-shot class-index file')
  if (!Array.isArray(data) || data.length !== 3 || !data.every(Array.isArray)) throw new DataError('expected a JSON list of 3 lists of class indices', { file })
  return (data as unknown[][]).map((list, s) => {
    if (list.length !== expectedPerSplit) {
      throw new DataError(`split ${s + 1} has ${list.length} classes; expected ${expectedPerSplit}`, { file, fix: expectedPerSplit === K600_ZS_TEST_CLASSES ? 'is this the val_class_idxs.json? The test classes are in tst_class_idxs.json' : undefined })
    }
    const seen = new Set<number>()
    for (const v of list) {
      if (!Number.isInteger(v) || (v as number) < 400 || (v as number) >= K600_ZS_CLASS_COUNT) throw new DataError(`split ${s + 1}: index ${String(v)} is not one of the new classes 400–619`, { file })
      if (seen.has(v as number)) throw new DataError(`split ${s + 1}: index ${String(v)} listed twice`, { file })
      seen.add(v as number)
    }
    return list as number[]
  })
}

export interface K600ZeroShotSplit {
  split: 1 | 2 | 3
  /** The 160 test class names, sorted alphabetically: label i is `testClasses[i]`. */
  testClasses: string[]
  /** The 60 validation class names (unused by the protocol), sorted. */
  valClasses: string[]
}

/**
 * One of the three Kinetics-600 zero-shot splits (docs/method.md §5.5): the 160 test classes re-indexed
 * alphabetically. With the val file, checks val ∪ test = 400…619 and val ∩ test = ∅.
 */
export function loadK600ZeroShotSplit(classes620File: string, testIdxFile: string, split: 1 | 2 | 3, valIdxFile?: string): K600ZeroShotSplit {
  if (![1, 2, 3].includes(split)) throw new DataError(`Kinetics-600 zero-shot has splits 1, 2 and 3 (got ${split})`)
  const names = readClasses620(classes620File)
  const test = readClassIdxSplits(testIdxFile, K600_ZS_TEST_CLASSES)[split - 1]!
  let val: number[] = []
  if (valIdxFile) {
    val = readClassIdxSplits(valIdxFile, K600_ZS_VAL_CLASSES)[split - 1]!
    const overlap = val.filter((v) => test.includes(v))
    if (overlap.length) throw new DataError(`split ${split}: classes ${overlap.join(', ')} are both val and test`, { file: valIdxFile, fix: 'the val and test files come from different releases' })
    if (new Set([...val, ...test]).size !== 220) throw new DataError(`split ${split}: val ∪ test does not cover the 220 new classes`, { file: valIdxFile })
  }
  return { split, testClasses: pythonSorted(test.map((i) => names[i]!)), valClasses: pythonSorted(val.map((i) => names[i]!)) }
}
