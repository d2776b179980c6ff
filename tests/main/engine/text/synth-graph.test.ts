import { describe, expect, it } from 'vitest'
import { buildSynthWorld } from '../../../../main/engine/data/synth/world'
import { buildSynthGraphClasses, synthClassGraph } from '../../../../main/engine/text/synth-graph'
import { buildPromptSet } from '../../../../main/engine/text/prompts/build'
import { validateClasses } from '../../../../main/engine/store/knowledge-graphs'

describe('the built-in SynthMotion graph', () => {
  it('derives objects, scene and ordered states from a sliding class', () => {
    const g = synthClassGraph({ name: 'Red Square Sliding Left On Grass', composition: { object: 'square', colour: 'red', motion: 'sliding left', scene: 'grass' } })
    expect(g).toEqual({
      label: 'red square sliding left on grass',
      objects: ['red square', 'grass'],
      subActions: ['red square at the right', 'red square in the middle', 'red square at the left'],
      objectRelations: [{ head: 'red square', relation: 'on', tail: 'grass' }],
      actionObjectRelations: [
        { head: 'red square sliding left on grass', relation: 'involves', tail: 'red square' },
        { head: 'red square sliding left on grass', relation: 'takes place on', tail: 'grass' },
      ],
      actionRelations: [
        { head: 'red square sliding left on grass', relation: 'starts with', tail: 'red square at the right' },
        { head: 'red square at the right', relation: 'precedes', tail: 'red square in the middle' },
        { head: 'red square in the middle', relation: 'precedes', tail: 'red square at the left' },
      ],
      clauses: {
        oo: ['where a red square is on grass'],
        ao: ['which involves a red square', 'which takes place on grass'],
        aa: ['starting with a red square at the right', 'where a red square at the right precedes a red square in the middle', 'where a red square in the middle precedes a red square at the left'],
      },
    })
  })

  it('puts sizes before the object and reads "at night" as a place', () => {
    const g = synthClassGraph({ name: 'Yellow Circle Shrinking At Night', composition: { object: 'circle', colour: 'yellow', motion: 'shrinking', scene: 'night' } })
    expect(g.subActions).toEqual(['large yellow circle', 'medium yellow circle', 'small yellow circle'])
    expect(g.clauses.oo).toEqual(['where a yellow circle is at night'])
    expect(g.clauses.aa[0]).toBe('starting with a large yellow circle')
  })

  it('covers every class of the default world, valid for the store, and temporal prompts tell order-only pairs apart', () => {
    const world = buildSynthWorld()
    const classes = buildSynthGraphClasses(world.classes, 'T')
    expect(validateClasses(classes)).toHaveLength(world.classes.length)
    expect(classes.every((c) => c.provenance.source === 'built-in')).toBe(true)
    const t = buildPromptSet(classes, { kind: 't', style: 'hard' })
    const c = buildPromptSet(classes, { kind: 'c', style: 'hard' })
    for (const cls of world.classes) {
      const rev = world.classes[cls.reverseIndex]!
      // [T] prompts of a class and its time-reversed twin differ beyond the class name
      const strip = (s: string[], name: string) => s.map((p) => p.replace(name, 'X'))
      expect(strip(t.classes[cls.index]!.prompts, cls.name)).not.toEqual(strip(t.classes[rev.index]!.prompts, rev.name))
      expect(c.classes[cls.index]!.prompts).toEqual([`This is a video of ${cls.name}.`])
    }
  })
})
