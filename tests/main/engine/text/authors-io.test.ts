import { parse } from 'yaml'
import { describe, expect, it } from 'vitest'
import { exportAskgYaml, exportXpromptYaml } from '../../../../main/engine/text/io/authors-export'
import { formatIssue } from '../../../../main/engine/text/askg/types'
import { importAuthorsFiles } from '../../../../main/engine/text/io/authors-import'
import { detectAuthorsFile, parseAskgFile, parseXpromptFile } from '../../../../main/engine/text/io/authors-yaml'
import { exportGraphJson, isGraphJson, parseGraphJson } from '../../../../main/engine/text/io/json-format'
import { ASKG_YML, HMDB_NAMES, XPROMPT_YML } from './fixtures/authors-files'

const NOW = '2025-01-02T03:04:05.000Z'

function importFixture(classNames?: string[]) {
  return importAuthorsFiles({
    askg: { file: 'classes_ASKG_hmdb51.yml', parsed: parseAskgFile(ASKG_YML, 'classes_ASKG_hmdb51.yml') },
    xprompt: { file: 'classes_xprompt_hmdb51.yml', parsed: parseXpromptFile(XPROMPT_YML, 'classes_xprompt_hmdb51.yml') },
    ...(classNames ? { classNames } : {}),
    now: NOW,
  })
}

/** PyYAML's view of a file, with the empty-list quirk (null) read as []. */
function normalised(text: string): unknown {
  const doc = parse(text) as Record<string, Record<string, unknown>>
  return Object.fromEntries(Object.entries(doc).map(([k, v]) => [k, Object.fromEntries(Object.entries(v).map(([f, x]) => [f, x ?? []]))]))
}

describe("the authors' classes_ASKG / classes_xprompt files", () => {
  it('tells the two files apart by their fields', () => {
    expect(detectAuthorsFile(ASKG_YML, 'a.yml')).toBe('askg')
    expect(detectAuthorsFile(XPROMPT_YML, 'b.yml')).toBe('xprompt')
    expect(() => detectAuthorsFile('x:\n  foo: 1\n', 'c.yml')).toThrow(/neither an ASKG file/)
  })

  it('imports them with their quirks: keys kept apart from class names, empty clause lists, a 4-part triple', () => {
    const r = importFixture(HMDB_NAMES)
    expect(r.issues).toEqual([])
    expect(r.classes.map((c) => [c.index, c.name, c.key])).toEqual([
      [0, 'brush hair', 'brush hair'],
      [1, 'fall floor', 'falling to the floor'],
      [2, 'smile', 'smile'],
    ])
    const fall = r.classes[1]!
    expect(fall.graph.label).toBe('falling to the floor')
    expect(fall.graph.actionObjectRelations).toEqual([{ head: 'falling to the floor', relation: 'lands on, knees', tail: 'hands' }])
    expect(fall.graph.clauses.aa).toEqual([])
    expect(r.classes[2]!.graph.clauses.aa).toEqual([])
    expect(r.classes[0]!.graph).toEqual({
      label: 'brush hair',
      objects: ['brush', 'hair', 'mirror', 'comb', 'hand'],
      subActions: ['picking up the brush', 'brushing the hair'],
      objectRelations: [
        { head: 'brush', relation: 'used on', tail: 'hair' },
        { head: 'mirror', relation: 'reflects', tail: 'hair' },
      ],
      actionObjectRelations: [
        { head: 'brush hair', relation: 'requires', tail: 'brush' },
        { head: 'brush hair', relation: 'involves', tail: 'hair' },
      ],
      actionRelations: [
        { head: 'brush hair', relation: 'starts with', tail: 'picking up the brush' },
        { head: 'picking up the brush', relation: 'precedes', tail: 'brushing the hair' },
      ],
      clauses: {
        oo: ['where a brush is used on the hair', 'where the mirror reflects the hair'],
        ao: ['which requires a brush', 'which involves hair'],
        aa: ['starting with picking up the brush', 'where picking up the brush precedes brushing the hair'],
      },
    })
    expect(r.classes[1]!.provenance).toEqual({
      source: 'import',
      createdAt: NOW,
      files: ['classes_ASKG_hmdb51.yml', 'classes_xprompt_hmdb51.yml'],
      key: 'falling to the floor',
      warnings: [
        'classes_ASKG_hmdb51.yml + classes_xprompt_hmdb51.yml: class "fall floor", field xprompt_aa: has 0 clause(s) for 2 triple(s) in act_rel_triples — write exactly one clause per triple, in the same order',
        'classes_xprompt_hmdb51.yml: class "fall floor": xprompt_aa is empty, so its prompt sets have no aa clauses',
      ],
    })
  })

  it('names classes by their keys when no class list is given, and refuses a list of the wrong length', () => {
    expect(importFixture().classes.map((c) => c.name)).toEqual(['brush hair', 'falling to the floor', 'smile'])
    expect(() => importFixture(['a', 'b'])).toThrow(/2 names but the file has 3 entries/)
  })

  it('exports in the same format: parsing the export gives back the original files', () => {
    const { classes } = importFixture(HMDB_NAMES)
    const askg = exportAskgYaml(classes)
    const xprompt = exportXpromptYaml(classes)
    expect(normalised(askg)).toEqual(normalised(ASKG_YML))
    expect(normalised(xprompt)).toEqual(normalised(XPROMPT_YML))
    expect(Object.keys(parse(askg) as object)).toEqual(['brush hair', 'falling to the floor', 'smile']) // class-index order, original keys
    expect(askg).toContain('  - <falling to the floor, lands on, knees, hands>\n')
    expect(xprompt).toContain('  xprompt_aa: []\n')
  })

  it('round-trips: import(export(x)) is x, and exporting again gives the same bytes', () => {
    const first = importFixture(HMDB_NAMES)
    const askg = exportAskgYaml(first.classes)
    const xprompt = exportXpromptYaml(first.classes)
    const second = importAuthorsFiles({
      askg: { file: 'a.yml', parsed: parseAskgFile(askg, 'a.yml') },
      xprompt: { file: 'x.yml', parsed: parseXpromptFile(xprompt, 'x.yml') },
      classNames: HMDB_NAMES,
      now: NOW,
    })
    expect(second.classes.map(({ index, name, key, graph }) => ({ index, name, key, graph }))).toEqual(first.classes.map(({ index, name, key, graph }) => ({ index, name, key, graph })))
    expect(exportAskgYaml(second.classes)).toBe(askg)
    expect(exportXpromptYaml(second.classes)).toBe(xprompt)
  })

  it('rejoins a triple that a YAML flow list split at its commas', () => {
    const p = parseAskgFile('smile:\n  label: smile\n  obj_rel_triples: [<lips, part of, mouth>, <teeth, behind, lips>]\n', 'f.yml')
    expect(p.issues).toEqual([])
    expect(p.entries[0]!.oo).toEqual([
      { head: 'lips', relation: 'part of', tail: 'mouth' },
      { head: 'teeth', relation: 'behind', tail: 'lips' },
    ])
  })

  it('quotes texts that PyYAML would read as something else', () => {
    const { classes } = importFixture(HMDB_NAMES)
    classes[2]!.graph.objects = ['yes', '1.5', 'a: b']
    const out = exportAskgYaml(classes)
    expect(out).toContain('  - "yes"\n  - "1.5"\n  - "a: b"\n')
  })

  it('pairs an xprompt entry whose key differs by position, and says so', () => {
    const renamed = XPROMPT_YML.replace('falling to the floor:\n', 'fall floor:\n')
    const r = importAuthorsFiles({
      askg: { file: 'a.yml', parsed: parseAskgFile(ASKG_YML, 'a.yml') },
      xprompt: { file: 'x.yml', parsed: parseXpromptFile(renamed, 'x.yml') },
    })
    expect(r.classes[1]!.graph.clauses.oo).toEqual(['where the body hits the floor', 'where a mat cushions the body'])
    expect(r.warnings).toContain('a.yml: key "falling to the floor" has no entry of the same key in x.yml; paired by position with its key "fall floor"')
  })

  it('imports an xprompt file alone (clauses without triples)', () => {
    const r = importAuthorsFiles({ xprompt: { file: 'x.yml', parsed: parseXpromptFile(XPROMPT_YML, 'x.yml') } })
    expect(r.classes).toHaveLength(3)
    expect(r.classes[0]!.graph.objectRelations).toEqual([])
    expect(r.classes[0]!.graph.clauses.ao).toEqual(['which requires a brush', 'which involves hair'])
  })

  it('reports unusable entries by file, class, field and fix, keeps a malformed triple as text, and warns on repeated keys', () => {
    const bad = `run:
  label: replaced below
run:
  label: run
  obj_en_li: shoes, track
  obj_rel_triples:
  - <shoes, on>
  act_obj_triples: []
  sub_act_en_li: [start]
  act_rel_triples: []
  extra_field: 1
`
    const p = parseAskgFile(bad, 'bad.yml')
    expect(p.issues).toEqual([{ file: 'bad.yml', className: 'run', field: 'obj_en_li', message: 'is "shoes, track", not a list', fix: 'write obj_en_li as a YAML list ("- item" lines)' }])
    expect(formatIssue(p.issues[0]!)).toBe('bad.yml: class "run", field obj_en_li: is "shoes, track", not a list — write obj_en_li as a YAML list ("- item" lines)')
    expect(p.entries[0]!.oo).toEqual([{ head: 'shoes', relation: '', tail: 'on', text: '<shoes, on>' }])
    expect(p.warnings).toEqual([
      'bad.yml: key "run" appears more than once; the last entry is used, at the position of the first',
      'bad.yml: class "run": ignored field(s) extra_field (known: label, obj_en_li, obj_rel_triples, act_obj_triples, sub_act_en_li, act_rel_triples)',
      'bad.yml: class "run", field obj_rel_triples.0: "<shoes, on>" is not a triple <head, relation, tail> (it has 2 non-empty part(s)); kept as the text "<shoes, on>" (prompts use its clause; the graph view shows it without a relation)',
    ])
    expect(() => parseAskgFile('a: [unclosed\n', 'broken.yml')).toThrow(/broken.yml: not valid YAML/)
  })
})

describe('the JSON export', () => {
  it('round-trips every class with its provenance', () => {
    const { classes } = importFixture(HMDB_NAMES)
    const text = exportGraphJson({ name: 'hmdb', dataset: 'hmdb51', version: 2, note: 'n', createdAt: NOW, classes })
    expect(isGraphJson(text)).toBe(true)
    const back = parseGraphJson(text, 'g.json')
    expect(back.classes).toEqual(classes)
    expect(back).toMatchObject({ name: 'hmdb', dataset: 'hmdb51', version: 2 })
  })

  it('names the class and the field of a bad entry', () => {
    const { classes } = importFixture(HMDB_NAMES)
    const doc = JSON.parse(exportGraphJson({ name: 'h', dataset: 'hmdb51', version: 1, note: '', createdAt: NOW, classes })) as { classes: { graph: { objects: unknown } }[] }
    doc.classes[0]!.graph.objects = ['brush', '']
    expect(() => parseGraphJson(JSON.stringify(doc), 'g.json')).toThrow(/class "brush hair", field obj_en_li\.1: must be a non-empty string/)
  })
})
