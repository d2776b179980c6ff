import { motionStates } from '../data/synth/motion'
import type { SynthClass, SynthComposition } from '../data/synth/types'
import { allSynthClasses, scenePhrase } from '../data/synth/world'
import type { Db } from '../store/db'
import { addGraphVersion, createGraph, getGraph, listGraphs, type GraphVersion } from '../store/knowledge-graphs'
import type { ClassGraph, GraphClass, Triple } from './askg/types'

/**
 * The built-in ASKG of SynthMotion (docs/architecture.md, SynthMotion), derived from each class's composition instead of
 * an LLM: the coloured object and the scene are the objects, and the motion's ordered static
 * states (`motionStates`: "at the left" → "in the middle" → "at the right", or small → medium →
 * large) are the sub-actions, so [T] prompts describe motion as ordered states a frame-level
 * CLIP can read: "starting with a red square at the left", "where a red square at the left
 * precedes a red square in the middle", …
 */

export const SYNTH_DATASET = 'synthmotion'
export const SYNTH_GRAPH_NAME = 'synthmotion-builtin'

function article(phrase: string): string {
  return /^[aeiou]/i.test(phrase) ? `an ${phrase}` : `a ${phrase}`
}

/** A motion state as a phrase about the object: positions follow it, sizes and visibility precede it. */
export function statePhrase(thing: string, state: string): string {
  return /^(at|in|on) /.test(state) ? `${thing} ${state}` : `${state} ${thing}`
}

/** "on grass" → relation "on", place "grass"; "at night" → "at", "night". */
function sceneParts(c: SynthComposition): { preposition: string; place: string } {
  const [preposition, ...rest] = scenePhrase(c.scene).split(' ')
  return { preposition: preposition!, place: rest.join(' ') }
}

export function synthClassGraph(cls: Pick<SynthClass, 'name' | 'composition'>): ClassGraph {
  const c = cls.composition
  const label = cls.name.toLowerCase()
  const thing = `${c.colour} ${c.object}`
  const { preposition, place } = sceneParts(c)
  const steps = motionStates(c.motion).map((s) => statePhrase(thing, s))
  const t = (head: string, relation: string, tail: string): Triple => ({ head, relation, tail })
  return {
    label,
    objects: [thing, place],
    subActions: steps,
    objectRelations: [t(thing, preposition, place)],
    actionObjectRelations: [t(label, 'involves', thing), t(label, `takes place ${preposition}`, place)],
    actionRelations: [t(label, 'starts with', steps[0]!), ...steps.slice(1).map((s, i) => t(steps[i]!, 'precedes', s))],
    clauses: {
      oo: [`where ${article(thing)} is ${preposition} ${place}`],
      ao: [`which involves ${article(thing)}`, `which takes place ${preposition} ${place}`],
      aa: [`starting with ${article(steps[0]!)}`, ...steps.slice(1).map((s, i) => `where ${article(steps[i]!)} precedes ${article(s)}`)],
    },
  }
}

/** The built-in graph's classes, indexed as the world indexes them. */
export function buildSynthGraphClasses(classes: Pick<SynthClass, 'index' | 'name' | 'composition'>[], createdAt = new Date().toISOString()): GraphClass[] {
  return [...classes]
    .sort((a, b) => a.index - b.index)
    .map((c) => ({
      index: c.index,
      name: c.name,
      key: c.name.toLowerCase(),
      graph: synthClassGraph(c),
      provenance: { source: 'built-in', createdAt, note: 'derived from the SynthMotion class composition: object, colour, scene and the motion as ordered states' },
    }))
}

/**
 * The stored built-in graph, covering the classes of every SynthMotion world (all 216 compositions), so
 * any `synthmotion.worldSeed` finds its classes: created (version 1) on first use; an existing one is
 * returned as it is (edits make new versions; the latest is returned). A latest version that lacks some
 * of those classes (a graph made before worlds were drawn from their seed held the 24 classes of one
 * world) gets a new version that adds them and keeps every class it had, edits included.
 */
export function ensureBuiltinSynthGraph(db: Db): GraphVersion {
  const existing = listGraphs(db, { name: SYNTH_GRAPH_NAME })
  const all = buildSynthGraphClasses(allSynthClasses())
  if (!existing.length) return createGraph(db, { name: SYNTH_GRAPH_NAME, dataset: SYNTH_DATASET, note: 'built in: derived from the SynthMotion compositions', classes: all })
  const latest = getGraph(db, existing[existing.length - 1]!.id)
  const have = new Set(latest.classes.map((c) => c.key))
  const missing = all.filter((c) => !have.has(c.key))
  if (!missing.length) return latest
  const next = Math.max(...latest.classes.map((c) => c.index)) + 1
  return addGraphVersion(db, latest.id, {
    classes: [...latest.classes, ...missing.map((c, i) => ({ ...c, index: next + i }))],
    note: `built in: adds the ${missing.length} classes of the other SynthMotion worlds (every world is drawn from synthmotion.worldSeed); the classes it had are kept as they were`,
  })
}
