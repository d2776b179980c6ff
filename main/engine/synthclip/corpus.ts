import { captionFrame } from '../data/synth/captions'
import { SYNTH_COLOURS, SYNTH_OBJECTS, SYNTH_SCENES, type FrameState } from '../data/synth/types'
import { allSynthClasses } from '../data/synth/world'
import { PROMPT_SETS } from '../../../contract/vocabulary'
import { buildPromptSet } from '../text/prompts/build'
import { DATASET_TEMPLATES, HARD_TEMPLATE, fillTemplate } from '../text/prompts/templates'
import { buildSynthGraphClasses } from '../text/synth-graph'
import { toByteLevel } from './byte_level'

/**
 * The text SynthCLIP's tokenizer is built from: every static frame caption SynthMotion can write,
 * every prompt of the built-in knowledge graph (all prompt-set kinds, the SynthMotion templates and
 * the hard prompt), the words of every data set's templates, and a few plain words that describe
 * motion as ordered states (docs/architecture.md, SynthMotion: "starting at the left, then in the middle, then at the right").
 */

/** Extra words that prompts written by hand are likely to use. */
export const EXTRA_WORDS = [
  'then', 'and', 'from', 'to', 'it', 'this', 'that', 'moving', 'moves', 'motion', 'shape', 'object', 'image', 'picture',
  'photo', 'frame', 'background', 'sky', 'ground', 'color', 'colour', 'left', 'right', 'up', 'down', 'forwards', 'backwards',
  'slides', 'grows', 'shrinks', 'appears', 'vanishes', 'big', 'tiny', 'bright', 'dark', 'ending', 'finally', 'first', 'last',
] as const

/** CLIP's pre-tokenizer split (tokenizer.json `Split` pattern, used inverted: the matches are the pieces). */
export const CLIP_SPLIT_REGEX = "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+"

const SPLIT = new RegExp(CLIP_SPLIT_REGEX, 'gu')

/** CLIP's normaliser: NFC, runs of whitespace → one space, lower case. */
export function clipNormalize(text: string): string {
  return text.normalize('NFC').replace(/\s+/gu, ' ').toLowerCase()
}

/** The pre-tokens of `text` as CLIP's tokenizer sees them (normalised, split, not yet byte-level). */
export function clipPreTokens(text: string): string[] {
  return clipNormalize(text).match(SPLIT) ?? []
}

/** Every frame caption of the world: 3 objects × 3 colours × 3 scenes × positions × sizes × visibilities. */
export function allCaptions(): string[] {
  const states: FrameState[] = []
  for (const x of [0.1, 0.5, 0.9]) for (const y of [0.1, 0.5, 0.9]) for (const size of [0.1, 0.25, 0.45]) for (const opacity of [0.05, 0.4, 1]) states.push({ x, y, size, opacity })
  const out = new Set<string>()
  for (const object of SYNTH_OBJECTS)
    for (const colour of SYNTH_COLOURS)
      for (const scene of SYNTH_SCENES) for (const s of states) out.add(captionFrame({ object, colour, scene, motion: 'growing' }, s).text)
  return [...out]
}

/** Every prompt the built-in graph gives (every class of every world), in all kinds, with its templates and the hard one. */
export function allPrompts(): string[] {
  const classes = buildSynthGraphClasses(allSynthClasses(), '1970-01-01T00:00:00.000Z')
  const out: string[] = []
  for (const kind of PROMPT_SETS) {
    for (const style of ['dataset', 'hard'] as const) {
      const set = buildPromptSet(classes, { kind, style, dataset: 'synthmotion', pad: false })
      for (const c of set.classes) out.push(...c.prompts)
    }
  }
  return out
}

/** The template words of every data set (class name left empty), and the hard prompt's. */
export function templateTexts(): string[] {
  return [...Object.values(DATASET_TEMPLATES).flat(), HARD_TEMPLATE].map((t) => fillTemplate(t, ''))
}

/** Byte-level word → count over the whole corpus (captions, prompts, templates, extra words). */
export function corpusWordCounts(): Map<string, number> {
  const counts = new Map<string, number>()
  const add = (text: string): void => {
    for (const piece of clipPreTokens(text)) {
      const w = toByteLevel(piece)
      counts.set(w, (counts.get(w) ?? 0) + 1)
    }
  }
  for (const t of [...allCaptions(), ...allPrompts(), ...templateTexts(), ...EXTRA_WORDS]) add(t)
  return counts
}
