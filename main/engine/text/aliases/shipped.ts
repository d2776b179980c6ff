import { hmdbDisplayName, ucfDisplayName } from '../../data/class-names'
import { HMDB51_CLASS_FOLDERS, UCF101_CLASS_FOLDERS } from '../../data/adapters/official-classes'
import { K400_CLASSES } from './k400-classes'

/**
 * The alias tables shipped for the real benchmarks: each official class name (as the data-set
 * adapters name it) → the top-level key the authors' released graph uses for it. Most keys are the
 * official name in lower case ("apply eye makeup", K400's "passing american football (in game)");
 * the exceptions are listed here explicitly.
 */
export const SHIPPED_DATASETS = ['ucf101', 'hmdb51', 'k400'] as const
export type ShippedDataset = (typeof SHIPPED_DATASETS)[number]

/** Official class name → the authors' key, where it is not the name in lower case. */
export const AUTHORS_KEY_EXCEPTIONS: Record<ShippedDataset, Readonly<Record<string, string>>> = {
  ucf101: { 'Handstand Pushups': 'hand stand pushups', Yoyo: 'yo yo' },
  hmdb51: { 'fall floor': 'falling to the floor' },
  k400: {},
}

/** The data set's official class names in class-index order, as evaluation names them. */
export function officialClassNames(dataset: ShippedDataset): string[] {
  if (dataset === 'ucf101') return UCF101_CLASS_FOLDERS.map(ucfDisplayName)
  if (dataset === 'hmdb51') return HMDB51_CLASS_FOLDERS.map(hmdbDisplayName)
  return [...K400_CLASSES]
}

export function isShippedDataset(dataset: string): dataset is ShippedDataset {
  return (SHIPPED_DATASETS as readonly string[]).includes(dataset)
}

/** The shipped table for a data set: every official name with the authors' key for it. */
export function shippedAliases(dataset: ShippedDataset): { alias: string; key: string }[] {
  const exceptions = AUTHORS_KEY_EXCEPTIONS[dataset]
  return officialClassNames(dataset).map((alias) => ({ alias, key: exceptions[alias] ?? alias.toLowerCase() }))
}
