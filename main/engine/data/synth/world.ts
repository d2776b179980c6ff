import { PythonRandom } from '../protocols/python-random'
import { MOTION_PAIRS } from './motion'
import { SYNTH_COLOURS, SYNTH_OBJECTS, SYNTH_SCENES, type SynthClass, type SynthComposition, type SynthScene, type SynthWorld } from './types'

export interface SynthWorldOptions {
  /** The world seed (`synthmotion.worldSeed`): draws the world's identity, its split and every video. Default 0. */
  seed?: number
  /**
   * In how many looks (colour × scene) each object × motion pair occurs, 1–3: each look is a group of two
   * twin classes. Default 1 (12 groups); 3 gives 36 groups, so a motion is seen on many compositions.
   */
  looks?: number
  /** How many groups (2 classes each) are held out as unseen. Default 4. */
  unseenGroups?: number
}

const SCENE_WORDS: Record<SynthScene, string> = { grass: 'on grass', night: 'at night', snow: 'on snow' }

/** "on grass", "at night", "on snow". */
export function scenePhrase(scene: SynthScene): string {
  return SCENE_WORDS[scene]
}

/** "red square sliding left on grass": a composition in words (class names and keyframe captions). */
export function compositionWords(c: SynthComposition): string {
  return `${c.colour} ${c.object} ${c.motion} ${scenePhrase(c.scene)}`
}

function titleCase(words: string): string {
  return words
    .split(' ')
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join(' ')
}

function makeClass(index: number, composition: SynthComposition, reverseIndex: number): SynthClass {
  const words = compositionWords(composition)
  const name = titleCase(words)
  return { index, name, folder: name.replace(/ /g, ''), phrase: `a ${words}`, composition, reverseIndex, seen: true }
}

/** Every composition a SynthMotion class can have: object × colour × scene × motion (216), in a fixed order. */
export function allCompositions(): SynthComposition[] {
  const out: SynthComposition[] = []
  for (const object of SYNTH_OBJECTS) for (const colour of SYNTH_COLOURS) for (const scene of SYNTH_SCENES) for (const [forward, backward] of MOTION_PAIRS) for (const motion of [forward, backward]) out.push({ object, colour, scene, motion })
  return out
}

/**
 * Every class any world can have (index = position in {@link allCompositions}; a class and its reverse
 * are neighbours): the classes the built-in knowledge graph and SynthCLIP's tokenizer cover, whatever
 * the world seed.
 */
export function allSynthClasses(): SynthClass[] {
  return allCompositions().map((c, i) => makeClass(i, c, i % 2 ? i - 1 : i + 1))
}

/**
 * A SynthMotion world, drawn from its seed: 3 objects × 4 motion pairs = 12 groups of two classes that
 * differ only in temporal order ("sliding right" / "sliding left"), 24 classes. The seed draws the world's
 * identity — which colour and which scene (background) each group has (a Latin square under a drawn
 * permutation of the colours and of the scenes, so every object meets every colour and scene), and the
 * zero-shot split: `unseenGroups` groups held out as unseen compositions, such that every object, colour,
 * scene and motion still occurs among the seen ones.
 */
export function buildSynthWorld(options: SynthWorldOptions = {}): SynthWorld {
  const seed = options.seed ?? 0
  if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`SynthMotion world seed must be a non-negative integer (got ${seed})`)
  const rng = new PythonRandom(seed)
  const colours = rng.shuffle([...SYNTH_COLOURS])
  const scenes = rng.shuffle([...SYNTH_SCENES])
  const sceneShift = Math.floor(rng.random() * SYNTH_SCENES.length)
  const classes: SynthClass[] = []
  const looks = options.looks ?? 1
  if (!Number.isInteger(looks) || looks < 1 || looks > SYNTH_COLOURS.length) throw new RangeError(`synthmotion.looks must be 1, 2 or 3 (got ${looks})`)
  const groups: { object: number; pair: number; colour: number; scene: number }[] = []
  SYNTH_OBJECTS.forEach((object, o) => {
    MOTION_PAIRS.forEach((pair, p) => {
      for (let look = 0; look < looks; look++) {
        const colour = SYNTH_COLOURS.indexOf(colours[(o + p + look) % colours.length]!)
        const scene = SYNTH_SCENES.indexOf(scenes[(2 * o + p + sceneShift + 2 * look) % scenes.length]!)
        groups.push({ object: o, pair: p, colour, scene })
        const base = classes.length
        for (const [k, motion] of pair.entries()) {
          classes.push(makeClass(base + k, { object, colour: SYNTH_COLOURS[colour]!, motion, scene: SYNTH_SCENES[scene]! }, base + 1 - k))
        }
      }
    })
  })
  const unseenGroups = options.unseenGroups ?? 4
  if (!Number.isInteger(unseenGroups) || unseenGroups < 1 || unseenGroups > groups.length - 4) throw new RangeError(`synthmotion.unseenGroups must be in 1…${groups.length - 4} (got ${unseenGroups})`)
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
