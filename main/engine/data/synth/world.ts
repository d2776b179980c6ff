import { PythonRandom } from '../protocols/python-random'
import { MOTION_PAIRS } from './motion'
import { SYNTH_COLOURS, SYNTH_OBJECTS, SYNTH_SCENES, type SynthClass, type SynthComposition, type SynthScene, type SynthWorld } from './types'

export interface SynthWorldOptions {
  /** Seeds the seen/unseen split and every video. Default 0. */
  seed?: number
  /** How many object × motion-pair groups (2 classes each) are held out as unseen. Default 4 of 12. */
  unseenGroups?: number
}

const SCENE_WORDS: Record<SynthScene, string> = { grass: 'on grass', night: 'at night', snow: 'on snow' }

/** "on grass", "at night", "on snow". */
export function scenePhrase(scene: SynthScene): string {
  return SCENE_WORDS[scene]
}

function titleCase(words: string): string {
  return words
    .split(' ')
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join(' ')
}

function makeClass(index: number, composition: SynthComposition, reverseIndex: number): SynthClass {
  const words = `${composition.colour} ${composition.object} ${composition.motion} ${scenePhrase(composition.scene)}`
  const name = titleCase(words)
  return { index, name, folder: name.replace(/ /g, ''), phrase: `a ${words}`, composition, reverseIndex, seen: true }
}

/**
 * The default SynthMotion world: 3 objects × 4 motion pairs = 12 groups; each group has a colour and
 * a scene (a Latin-square assignment) and two classes that differ only in temporal order (e.g.
 * "sliding right" / "sliding left"), 24 classes in all. A seeded draw holds out `unseenGroups` groups
 * as unseen compositions, such that every object, colour, scene and motion still occurs among the seen.
 */
export function buildSynthWorld(options: SynthWorldOptions = {}): SynthWorld {
  const seed = options.seed ?? 0
  if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`SynthMotion seed must be a non-negative integer (got ${seed})`)
  const classes: SynthClass[] = []
  const groups: { object: number; pair: number; colour: number; scene: number }[] = []
  SYNTH_OBJECTS.forEach((object, o) => {
    MOTION_PAIRS.forEach((pair, p) => {
      const colour = (o + p) % SYNTH_COLOURS.length
      const scene = (2 * o + p) % SYNTH_SCENES.length
      groups.push({ object: o, pair: p, colour, scene })
      const base = classes.length
      for (const [k, motion] of pair.entries()) {
        classes.push(makeClass(base + k, { object, colour: SYNTH_COLOURS[colour]!, motion, scene: SYNTH_SCENES[scene]! }, base + 1 - k))
      }
    })
  })
  const unseenGroups = options.unseenGroups ?? 4
  if (!Number.isInteger(unseenGroups) || unseenGroups < 1 || unseenGroups > groups.length - 4) throw new RangeError(`unseenGroups must be in 1…${groups.length - 4} (got ${unseenGroups})`)
  const rng = new PythonRandom(seed)
  const covers = (seen: typeof groups): boolean =>
    (['object', 'pair', 'colour', 'scene'] as const).every((k) => new Set(seen.map((g) => g[k])).size === (k === 'object' ? SYNTH_OBJECTS.length : k === 'pair' ? MOTION_PAIRS.length : k === 'colour' ? SYNTH_COLOURS.length : SYNTH_SCENES.length))
  let order: number[] | null = null
  for (let attempt = 0; attempt < 1000 && !order; attempt++) {
    const o = rng.shuffle(groups.map((_, g) => g))
    if (covers(o.slice(unseenGroups).map((g) => groups[g]!))) order = o
  }
  if (!order) throw new RangeError(`no split with ${unseenGroups} unseen groups keeps every object, colour, scene and motion seen; use fewer`)
  const unseenSet = new Set(order.slice(0, unseenGroups))
  for (const c of classes) c.seen = !unseenSet.has(Math.floor(c.index / 2))
  return { seed, classes, seen: classes.filter((c) => c.seen).map((c) => c.index), unseen: classes.filter((c) => !c.seen).map((c) => c.index) }
}
