import { DataError } from '../errors'
import type { VideoList } from '../types'

/** Keeps the classes at `classIndices` (sorted), re-indexing labels 0…k−1 in that order (EP1 subsets). */
export function restrictClasses(list: VideoList, classIndices: readonly number[], description: string): VideoList {
  const sorted = [...classIndices].sort((a, b) => a - b)
  const newLabel = new Map<number, number>()
  sorted.forEach((c, i) => {
    if (c < 0 || c >= list.classes.length) throw new DataError(`class index ${c} is outside 0…${list.classes.length - 1} of ${list.description}`)
    newLabel.set(c, i)
  })
  const remap = (items: VideoList['items']): VideoList['items'] =>
    items.filter((it) => newLabel.has(it.label)).map((it) => ({ ...it, label: newLabel.get(it.label) as number }))
  const items = remap(list.items)
  if (items.length === 0) throw new DataError(`${description}: no videos of the chosen classes are on disk`)
  return { ...list, description, classes: sorted.map((c) => list.classes[c]!), items, missing: remap(list.missing) }
}
