/**
 * Prompt templates. The released code formats the first 8 `templates` of `classes_label_<ds>.yml`
 * (docs/method.md §3.3); the paper's examples use the hard prompt "This is a video of {c}, …".
 * Templates use Python's `{}` placeholder, as in the authors' files.
 */

/** UCF101 and Kinetics-400: the first 8 of the 12 listed in `classes_label_{ucf101,k400}.yml`. */
const KINETICS_UCF = [
  'a human action of {}.',
  'a video of action {}.',
  'Playing action of {}.',
  'Doing a kind of action {}.',
  'Look, the person is {}.',
  'The man is {}.',
  'The woman is {}.',
  'a video of a person {}.',
] as const

/** HMDB51: the first 8 of the 28 listed (the Open-VCLIP list). */
const HMDB = [
  'a photo of {}.',
  'a photo of a person {}.',
  'a photo of a person using {}.',
  'a photo of a person doing {}.',
  'a photo of a person during {}.',
  'a photo of a person performing {}.',
  'a photo of a person practicing {}.',
  'a video of {}.',
] as const

/** SynthMotion: plain descriptions, since its tiny CLIP learned captions like "a red square at the left". */
const SYNTH = [
  'a video of {}.',
  'a clip of {}.',
  'a short video of {}.',
  'an animation of {}.',
  'a video showing {}.',
  'a moving picture of {}.',
  'frames of {}.',
  'a rendering of {}.',
] as const

/**
 * The data sets' template lists. ⚠ No K600 label file is released; K600 uses the Kinetics-400 list.
 */
export const DATASET_TEMPLATES: Readonly<Record<string, readonly string[]>> = {
  ucf101: KINETICS_UCF,
  k400: KINETICS_UCF,
  k600: KINETICS_UCF,
  hmdb51: HMDB,
  synthmotion: SYNTH,
}

/** The paper's hard prompt (Appendix A: "This is a video of archery, which requires a bow."). */
export const HARD_TEMPLATE = 'This is a video of {}.'

/** How many of a data set's templates the released code uses ("tpl8"). */
export const NUM_TEMPLATES = 8

export function datasetTemplates(dataset: string): readonly string[] {
  const t = DATASET_TEMPLATES[dataset.toLowerCase()]
  if (!t) throw new Error(`no templates for data set "${dataset}"; known: ${Object.keys(DATASET_TEMPLATES).join(', ')}; or use the hard prompt style, or pass your own templates`)
  return t.slice(0, NUM_TEMPLATES)
}

/** Python's `tpl.format(text)` for a template with exactly one `{}`. */
export function fillTemplate(template: string, text: string): string {
  const parts = template.split('{}')
  if (parts.length !== 2) throw new Error(`template "${template}" must contain exactly one "{}" where the class name goes`)
  return parts[0] + text + parts[1]
}
