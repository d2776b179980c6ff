import { describe, expect, it } from 'vitest'
import { ASKG_FIELDS, XPROMPT_FIELDS } from '../../../../main/engine/text/io/authors-fields'
import { findEntry, lineFields, parseAnswer, stripFences } from '../../../../main/engine/text/generation/parse-answer'
import { stripLeadIn } from '../../../../main/engine/text/generation/stages'
import { parseTriple } from '../../../../main/engine/text/askg/triples'
import { checkGeneratedGraph } from '../../../../main/engine/text/askg/rules'

describe('tolerant reading of LLM answers', () => {
  it('takes the yaml fence when there are several', () => {
    expect(stripFences('text\n```\nplain\n```\n```yaml\na: 1\n```\n')).toBe('a: 1\n')
    expect(stripFences('no fences')).toBe('no fences')
    expect(stripFences('```yml\nunclosed: 1\n')).toBe('unclosed: 1\n')
  })

  it('finds the entry under the root key, under the class name among several, or at the top', () => {
    expect(findEntry({ archery: { label: 'archery', obj_en_li: [] } }, ASKG_FIELDS, 'Archery')).toEqual({ label: 'archery', obj_en_li: [] })
    expect(findEntry({ label: 'x', xprompt_oo: [] }, XPROMPT_FIELDS, 'x')).toEqual({ label: 'x', xprompt_oo: [] })
    expect(findEntry({ other: { label: 'o', xprompt_oo: [] }, Archery: { label: 'a', xprompt_oo: [] } }, XPROMPT_FIELDS, 'archery')).toEqual({ label: 'a', xprompt_oo: [] })
    expect(findEntry('just text', ASKG_FIELDS, 'x')).toBeNull()
  })

  it('drops prose before and after the YAML', () => {
    const r = parseAnswer('Here you go:\narchery:\n  label: archery\n  xprompt_oo:\n  - which uses a bow\nHope this helps!', XPROMPT_FIELDS, 'archery')
    expect(r.candidates[0]).toEqual({ label: 'archery', xprompt_oo: ['which uses a bow'] })
  })

  it('reads YAML-shaped text that is not YAML line by line (an unquoted ": " inside a clause)', () => {
    const text = 'archery:\n  label: archery\n  xprompt_ao:\n    - which requires: a bow\n    - which uses an arrow\n  xprompt_aa: []\n'
    const r = parseAnswer(text, XPROMPT_FIELDS, 'archery')
    // YAML reads the first item as a mapping; the line reading keeps it as text
    expect(r.candidates.at(-1)).toEqual({ label: 'archery', xprompt_ao: ['which requires: a bow', 'which uses an arrow'], xprompt_aa: [] })
    expect(lineFields('obj_li: [a, b]\nsub_act_li:\n - x # comment\n', ASKG_FIELDS)).toEqual({ obj_en_li: ['a', 'b'], sub_act_en_li: ['x'] })
  })

  it('says why when nothing looks like an entry', () => {
    expect(parseAnswer('I cannot do that.', ASKG_FIELDS, 'x')).toEqual({ candidates: [], error: 'the answer has no entry with the fields label, obj_en_li, obj_rel_triples, act_obj_triples, sub_act_en_li, act_rel_triples' })
  })

  it('removes a repeated lead-in from clauses', () => {
    expect(stripLeadIn('This is an example of archery, which requires a bow')).toEqual({ text: 'which requires a bow', stripped: true })
    expect(stripLeadIn('which requires a bow')).toEqual({ text: 'which requires a bow', stripped: false })
  })
})

describe('triples and the generation rules', () => {
  it('reads triples in the usual spellings', () => {
    expect(parseTriple('<bow, used to shoot, arrow>')).toEqual({ triple: { head: 'bow', relation: 'used to shoot', tail: 'arrow' } })
    expect(parseTriple('2 - <a, b, c>')).toEqual({ triple: { head: 'a', relation: 'b', tail: 'c' } })
    expect(parseTriple('a, b, c')).toEqual({ triple: { head: 'a', relation: 'b', tail: 'c' } })
    expect(parseTriple(['a', 'b', 'c'])).toEqual({ triple: { head: 'a', relation: 'b', tail: 'c' } })
    expect(parseTriple(['a', 'b'])).toEqual({ error: 'a list triple needs exactly 3 non-empty parts, got ["a","b"]' })
    expect(parseTriple('<a, , c>')).toHaveProperty('error')
  })

  it('asks for 5–10 distinct objects, ordered sub-actions and every relation family; odd temporal ends are warnings', () => {
    const g = {
      label: 'archery',
      objects: ['bow', 'arrow', 'Bow'],
      subActions: [],
      objectRelations: [],
      actionObjectRelations: [{ head: 'archery', relation: 'uses', tail: 'bow' }],
      actionRelations: [{ head: 'archery', relation: 'starts with', tail: 'aiming' }],
      clauses: { oo: [], ao: [], aa: [] },
    }
    const r = checkGeneratedGraph('Archery', g)
    expect(r.issues.map((i) => `${i.field}: ${i.message}`)).toEqual(['obj_en_li: has 3 objects', 'obj_en_li: repeats Bow', 'sub_act_en_li: is empty', 'obj_rel_triples: has no triples'])
    const ok = checkGeneratedGraph('Archery', { ...g, objects: ['bow', 'arrow', 'target', 'quiver', 'armguard'], subActions: ['gripping'], objectRelations: [{ head: 'bow', relation: 'shoots', tail: 'arrow' }] })
    expect(ok.issues).toEqual([])
    expect(ok.warnings.map((w) => `${w.field}: ${w.message}`)).toEqual(['act_rel_triples.0: "aiming" is neither the action nor one of sub_act_en_li'])
  })
})
