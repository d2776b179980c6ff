import { describe, expect, it } from 'vitest'
import { buildPromptSet, padCyclic } from '../../../../main/engine/text/prompts/build'
import { fillTemplate } from '../../../../main/engine/text/prompts/templates'
import type { GraphClass } from '../../../../main/engine/text/askg/types'

const T = (head: string, relation: string, tail: string) => ({ head, relation, tail })

function cls(index: number, name: string, clauses: GraphClass['graph']['clauses']): GraphClass {
  return {
    index,
    name,
    key: name.toLowerCase(),
    graph: { label: name.toLowerCase(), objects: [], subActions: [], objectRelations: [T('a', 'r', 'b')], actionObjectRelations: [], actionRelations: [], clauses },
    provenance: { source: 'human', createdAt: '2025-01-01T00:00:00.000Z' },
  }
}

// Given out of order on purpose: prompt sets follow the class index.
const CLASSES = [
  cls(1, 'Surfing', {
    oo: ['where a surfboard is used on waves'],
    ao: ['which requires a surfboard', 'where a surfboard is used on waves'], // repeats the oo clause
    aa: ['starting with paddling out'],
  }),
  cls(0, 'Archery', {
    oo: ['where a bow is used to shoot an arrow', 'where an arrow is aimed at a target'],
    ao: ['which requires a bow'],
    aa: ['starting with gripping the bow', 'where gripping the bow precedes nocking the arrow'],
  }),
]

const prompts = (set: ReturnType<typeof buildPromptSet>) => set.classes.map((c) => c.prompts)

describe('prompt sets, hard prompt "This is a video of {c}, …"', () => {
  const hard = (kind: 'c' | 's' | 't' | 'st') => buildPromptSet(CLASSES, { kind, style: 'hard' })

  it('[C]', () => {
    expect(prompts(hard('c'))).toEqual([['This is a video of Archery.'], ['This is a video of Surfing.']])
  })

  it('[S] = [C] + object–object + action–object, de-duplicated, padded cyclically', () => {
    const s = hard('s')
    expect(prompts(s)).toEqual([
      [
        'This is a video of Archery.',
        'This is a video of Archery, where a bow is used to shoot an arrow.',
        'This is a video of Archery, where an arrow is aimed at a target.',
        'This is a video of Archery, which requires a bow.',
      ],
      ['This is a video of Surfing.', 'This is a video of Surfing, where a surfboard is used on waves.', 'This is a video of Surfing, which requires a surfboard.', 'This is a video of Surfing.'],
    ])
    expect(s.classes.map((c) => [c.unique, c.perTemplate])).toEqual([
      [4, 4],
      [3, 4],
    ])
  })

  it('[T] = [C] + action–action', () => {
    expect(prompts(hard('t'))).toEqual([
      ['This is a video of Archery.', 'This is a video of Archery, starting with gripping the bow.', 'This is a video of Archery, where gripping the bow precedes nocking the arrow.'],
      ['This is a video of Surfing.', 'This is a video of Surfing, starting with paddling out.', 'This is a video of Surfing.'],
    ])
  })

  it('[S]+[T] = the union with [C] once', () => {
    expect(prompts(hard('st'))).toEqual([
      [
        'This is a video of Archery.',
        'This is a video of Archery, where a bow is used to shoot an arrow.',
        'This is a video of Archery, where an arrow is aimed at a target.',
        'This is a video of Archery, which requires a bow.',
        'This is a video of Archery, starting with gripping the bow.',
        'This is a video of Archery, where gripping the bow precedes nocking the arrow.',
      ],
      [
        'This is a video of Surfing.',
        'This is a video of Surfing, where a surfboard is used on waves.',
        'This is a video of Surfing, which requires a surfboard.',
        'This is a video of Surfing, starting with paddling out.',
        'This is a video of Surfing.',
        'This is a video of Surfing, where a surfboard is used on waves.',
      ],
    ])
  })
})

describe('prompt sets, the data set templates (UCF101: the released code\'s first 8)', () => {
  const ucf = (kind: 'c' | 's' | 't' | 'st') => buildPromptSet(CLASSES, { kind, style: 'dataset', dataset: 'ucf101' })

  it('uses the 8 templates of classes_label_ucf101.yml in order', () => {
    expect(ucf('c').templates).toEqual([
      'a human action of {}.',
      'a video of action {}.',
      'Playing action of {}.',
      'Doing a kind of action {}.',
      'Look, the person is {}.',
      'The man is {}.',
      'The woman is {}.',
      'a video of a person {}.',
    ])
  })

  it('[C]: one prompt per template', () => {
    expect(prompts(ucf('c'))).toEqual([
      [
        'a human action of Archery.',
        'a video of action Archery.',
        'Playing action of Archery.',
        'Doing a kind of action Archery.',
        'Look, the person is Archery.',
        'The man is Archery.',
        'The woman is Archery.',
        'a video of a person Archery.',
      ],
      [
        'a human action of Surfing.',
        'a video of action Surfing.',
        'Playing action of Surfing.',
        'Doing a kind of action Surfing.',
        'Look, the person is Surfing.',
        'The man is Surfing.',
        'The woman is Surfing.',
        'a video of a person Surfing.',
      ],
    ])
  })

  it('[S]: template-major, each template block padded to the longest class', () => {
    const s = ucf('s')
    expect(s.classes.map((c) => c.prompts.length)).toEqual([32, 32])
    expect(s.classes[1]!.prompts.slice(0, 8)).toEqual([
      'a human action of Surfing.',
      'a human action of Surfing, where a surfboard is used on waves.',
      'a human action of Surfing, which requires a surfboard.',
      'a human action of Surfing.',
      'a video of action Surfing.',
      'a video of action Surfing, where a surfboard is used on waves.',
      'a video of action Surfing, which requires a surfboard.',
      'a video of action Surfing.',
    ])
    expect(s.classes[0]!.prompts.slice(28)).toEqual([
      'a video of a person Archery.',
      'a video of a person Archery, where a bow is used to shoot an arrow.',
      'a video of a person Archery, where an arrow is aimed at a target.',
      'a video of a person Archery, which requires a bow.',
    ])
  })

  it('[T]', () => {
    const t = ucf('t')
    expect(t.classes[0]!.prompts.slice(0, 3)).toEqual([
      'a human action of Archery.',
      'a human action of Archery, starting with gripping the bow.',
      'a human action of Archery, where gripping the bow precedes nocking the arrow.',
    ])
    expect(t.classes[1]!.prompts.slice(21)).toEqual(['a video of a person Surfing.', 'a video of a person Surfing, starting with paddling out.', 'a video of a person Surfing.'])
    expect(t.classes.map((c) => c.prompts.length)).toEqual([24, 24])
  })

  it('[S]+[T]: 8 × M prompts per class, M the longest class (N_st = 8·M)', () => {
    const st = ucf('st')
    expect(st.classes.map((c) => [c.unique, c.perTemplate, c.prompts.length])).toEqual([
      [6, 6, 48],
      [4, 6, 48],
    ])
    expect(st.classes[1]!.prompts.slice(6, 12)).toEqual([
      'a video of action Surfing.',
      'a video of action Surfing, where a surfboard is used on waves.',
      'a video of action Surfing, which requires a surfboard.',
      'a video of action Surfing, starting with paddling out.',
      'a video of action Surfing.',
      'a video of action Surfing, where a surfboard is used on waves.',
    ])
  })

  it('HMDB51 uses its own first 8 (the Open-VCLIP list)', () => {
    const c = buildPromptSet(CLASSES, { kind: 'c', style: 'dataset', dataset: 'hmdb51' })
    expect(c.classes[0]!.prompts).toEqual([
      'a photo of Archery.',
      'a photo of a person Archery.',
      'a photo of a person using Archery.',
      'a photo of a person doing Archery.',
      'a photo of a person during Archery.',
      'a photo of a person performing Archery.',
      'a photo of a person practicing Archery.',
      'a video of Archery.',
    ])
  })
})

describe('options and the hash', () => {
  it('without de-duplication the repeated clause stays; without padding lists stay ragged', () => {
    const s = buildPromptSet(CLASSES, { kind: 's', style: 'hard', dedupe: false, pad: false })
    expect(s.classes[1]!.prompts).toEqual([
      'This is a video of Surfing.',
      'This is a video of Surfing, where a surfboard is used on waves.',
      'This is a video of Surfing, which requires a surfboard.',
      'This is a video of Surfing, where a surfboard is used on waves.',
    ])
    const t = buildPromptSet(CLASSES, { kind: 't', style: 'hard', pad: false })
    expect(t.classes.map((c) => c.prompts.length)).toEqual([3, 2])
  })

  it('custom templates', () => {
    const s = buildPromptSet(CLASSES, { kind: 't', style: 'custom', templates: ['{}!'] })
    expect(s.classes[1]!.prompts).toEqual(['Surfing!', 'Surfing, starting with paddling out!', 'Surfing!'])
    expect(() => buildPromptSet(CLASSES, { kind: 't', style: 'custom', templates: ['no placeholder'] })).toThrow(/exactly one "\{\}"/)
  })

  it('padCyclic is expand_cls_text: sublist + [sublist[i % len] for i in range(M - len)]', () => {
    expect(padCyclic(['a', 'b'], 5)).toEqual(['a', 'b', 'a', 'b', 'a'])
    expect(padCyclic(['a', 'b', 'c'], 3)).toEqual(['a', 'b', 'c'])
    expect(fillTemplate('a video of {}.', 'X, y')).toBe('a video of X, y.')
  })

  it('the hash is stable, independent of input order, and changes with any prompt or option', () => {
    const a = buildPromptSet(CLASSES, { kind: 'st', style: 'hard' })
    const b = buildPromptSet([...CLASSES].reverse(), { kind: 'st', style: 'hard' })
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/)
    expect(b.hash).toBe(a.hash)
    const edited = [CLASSES[0]!, { ...CLASSES[1]!, graph: { ...CLASSES[1]!.graph, clauses: { ...CLASSES[1]!.graph.clauses, aa: ['starting with paddling'] } } }]
    expect(buildPromptSet(edited, { kind: 'st', style: 'hard' }).hash).not.toBe(a.hash)
    expect(buildPromptSet(CLASSES, { kind: 'st', style: 'hard', pad: false }).hash).not.toBe(a.hash)
    expect(buildPromptSet(CLASSES, { kind: 's', style: 'hard' }).hash).not.toBe(a.hash)
  })

  it('an unknown data set names the known ones', () => {
    expect(() => buildPromptSet(CLASSES, { kind: 'c', style: 'dataset', dataset: 'ssv2' })).toThrow(/known: ucf101, k400, k600, hmdb51, synthmotion/)
  })
})
