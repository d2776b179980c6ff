import type { Dataset } from '../../../contract/vocabulary'

/** The data sets the adapters read: the vocabulary's real ones (SynthMotion is rendered, not read). */
export const DATASET_NAMES = ['ucf101', 'hmdb51', 'k400', 'k600'] as const satisfies readonly Dataset[]
export type DatasetName = (typeof DATASET_NAMES)[number]

/** One labelled video (a file, or a folder of frames). */
export interface VideoItem {
  /** Absolute path of the video file or frame folder. */
  path: string
  /** 0-based label: the index into the list's `classes`. */
  label: number
  /** Display class name (docs/method.md §3.5), equal to `classes[label]`. */
  className: string
  /** Where the item was listed, `file:line` (or the folder it was found in). */
  source: string
}

/** A labelled list of videos, with its class index. */
export interface VideoList {
  dataset: string
  /** What this list is, e.g. "UCF101 split 1 test (testlist01.txt)". */
  description: string
  /** Display class names; label i is `classes[i]`. */
  classes: string[]
  items: VideoItem[]
  /** Listed videos that are not on disk (only filled when the adapter was asked to check). */
  missing: VideoItem[]
  /** What the adapter decided on the user's behalf (which list it read, a fallback and why): logged by evaluation, printed by `stdd data inspect`. */
  notes?: string[]
}
