import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openDatabase, type Db } from '../../../../main/engine/store/db'
import { pythonSorted } from '../../../../main/engine/data/class-names'
import { officialClassNames } from '../../../../main/engine/text/aliases/shipped'
import { UnmatchedClassError, nearestKeys } from '../../../../main/engine/text/aliases/resolve'
import { ExperimentConfig } from '../../../../main/engine/experiments/schema'
import { listGraphAliases } from '../../../../main/engine/store/graph-aliases'
import { graphClassesOf, resolveEvalGraph } from '../../../../main/engine/text/graphs/eval-classes'
import { exportGraphFiles } from '../../../../main/engine/text/graphs/export'
import { importGraphFiles, installAuthorsGraphs } from '../../../../main/engine/text/graphs/import-files'
import { getGraphVersion } from '../../../../main/engine/text/graphs/library'
import { classIndexForName } from '../../../../main/engine/text/graphs/prompt-sets'
import { buildPromptSet } from '../../../../main/engine/text/prompts/build'
import { XPROMPT_YML } from './fixtures/authors-files'
import { K400_ASKG_YML, K400_XPROMPT_YML, UCF_ASKG_YML, UCF_XPROMPT_YML, ucf101AskgFile, ucf101XpromptFile } from './fixtures/release-quirks'

/** The classes a run's prompts get from the graph `ref` names (as the engine resolves it at launch). */
function graphClassesForEval(db: Db, ref: string, names: readonly string[]): ReturnType<typeof graphClassesOf> {
  const graph = resolveEvalGraph(db, ref)
  return graphClassesOf(ref, graph, listGraphAliases(db, graph.name), names)
}

let db: Db
beforeEach(() => {
  db = openDatabase({ path: ':memory:' })
})
afterEach(() => db.close())

const ucfFiles = [
  { file: 'classes_ASKG_ucf101.yml', text: UCF_ASKG_YML },
  { file: 'classes_xprompt_ucf101.yml', text: UCF_XPROMPT_YML },
]

/** PyYAML's view of a file, `null` lists read as []. */
function structure(text: string): unknown {
  return JSON.parse(JSON.stringify(parse(text), (_k, v: unknown) => v ?? []))
}

describe("the authors' released files, as they are", () => {
  it('keeps a malformed triple as text, with a warning naming the file, the class and the field', () => {
    const r = importGraphFiles(db, { files: ucfFiles, classNames: ['Apply Eye Makeup', 'Handstand Pushups', 'Yoyo'] })
    expect(r.warnings).toContain(
      'classes_ASKG_ucf101.yml: class "apply eye makeup", field obj_rel_triples.1: "<eye, area where eye makeup is applied>" is not a triple <head, relation, tail> (it has 2 non-empty part(s)); kept as the text "<eye, area where eye makeup is applied>" (prompts use its clause; the graph view shows it without a relation)',
    )
    const eye = getGraphVersion(db, r.graph.id).classes[0]!
    expect(eye.graph.objectRelations[1]).toEqual({ head: 'eye', relation: '', tail: 'area where eye makeup is applied', text: '<eye, area where eye makeup is applied>' })
    expect(eye.graph.clauses.oo).toEqual(['where eye shadow is applied with an eyeshadow brush', 'where eye makeup is applied to the eye area'])
    for (const w of r.warnings) expect(w).toMatch(/^classes_(ASKG|xprompt)_ucf101\.yml|^\d+ ucf101 class/)
  })

  it('survives an export round trip: same structure, original key case, the xprompt-only labels, the malformed triple', () => {
    const r = importGraphFiles(db, { files: ucfFiles, classNames: ['Apply Eye Makeup', 'Handstand Pushups', 'Yoyo'] })
    const { files } = exportGraphFiles(db, r.graph.id, 'authors')
    expect(files.map((f) => f.file)).toEqual(['classes_ASKG_ucf101.yml', 'classes_xprompt_ucf101.yml'])
    expect(structure(files[0]!.text)).toEqual(structure(UCF_ASKG_YML))
    expect(structure(files[1]!.text)).toEqual(structure(UCF_XPROMPT_YML))
    expect(Object.keys(parse(files[0]!.text) as object)).toEqual(['apply eye makeup', 'hand stand pushups', 'Yo Yo'])
    expect((parse(files[1]!.text) as Record<string, { label: string }>)['hand stand pushups']!.label).toBe('handstand pushups')
    expect((parse(files[0]!.text) as Record<string, { label: string }>)['hand stand pushups']!.label).toBe('hand stand pushups')
    expect(files[0]!.text).toContain('- <eye, area where eye makeup is applied>\n')
    // and again: importing the export and exporting it gives the same bytes
    const again = importGraphFiles(db, { files: files.map((f) => ({ ...f })), name: 'again', classNames: ['Apply Eye Makeup', 'Handstand Pushups', 'Yoyo'] })
    expect(exportGraphFiles(db, again.graph.id, 'authors').files.map((f) => f.text)).toEqual(files.map((f) => f.text))
  })

  it("keeps K400's list-written triples and case-differing xprompt keys through an export", () => {
    const k400Files = [
      { file: 'classes_ASKG_k400.yml', text: K400_ASKG_YML },
      { file: 'classes_xprompt_k400.yml', text: K400_XPROMPT_YML },
    ]
    const r = importGraphFiles(db, { files: k400Files, classNames: ['baking cookies', 'passing American football (in game)'] })
    expect(r.warnings).toContain('classes_ASKG_k400.yml: key "passing American football (in game)" is "passing american football (in game)" in classes_xprompt_k400.yml (only the letter case differs); paired, and each file\'s key is kept for export')
    const [cookies, football] = getGraphVersion(db, r.graph.id).classes
    expect(cookies!.graph.actionObjectRelations[1]).toEqual({ head: 'baking cookies', relation: 'requires', tail: 'spatula', form: 'list' })
    expect(football!.graph.clauses.aa).toEqual(['starting with throwing the football'])
    const { files } = exportGraphFiles(db, r.graph.id, 'authors')
    expect(structure(files[0]!.text)).toEqual(structure(K400_ASKG_YML))
    expect(structure(files[1]!.text)).toEqual(structure(K400_XPROMPT_YML))
    expect(files[0]!.text).toContain('- [ baking cookies, requires, spatula ]\n')
    expect(Object.keys(parse(files[1]!.text) as object)).toEqual(['baking cookies', 'passing american football (in game)'])
  })

  it('refuses a UCF graph with an HMDB xprompt file, by the file names and by the keys', () => {
    const mixed = [ucfFiles[0]!, { file: 'classes_xprompt_hmdb51.yml', text: XPROMPT_YML }]
    expect(() => importGraphFiles(db, { files: mixed })).toThrow('classes_ASKG_ucf101.yml is for ucf101 but classes_xprompt_hmdb51.yml is for hmdb51; import the xprompt file of the same data set (classes_xprompt_ucf101.yml)')
    const renamed = [{ file: 'ucf_graph.yml', text: UCF_ASKG_YML }, { file: 'clauses.yml', text: XPROMPT_YML }]
    expect(() => importGraphFiles(db, { files: renamed, dataset: 'ucf101' })).toThrow(/ucf_graph\.yml and clauses\.yml do not describe the same classes: only 0 of 3 xprompt keys are ASKG keys \(not: "brush hair", "falling to the floor", "smile"\)/)
    expect(getGraphs()).toEqual([])
  })

  it('imports the usable classes of a file with a broken entry, naming the file, class and field of the rest', () => {
    const broken = `${UCF_ASKG_YML}\nbroken:\n  label: broken\n  obj_en_li: a, b\n  obj_rel_triples: 12\n`
    const r = importGraphFiles(db, { files: [{ file: 'classes_ASKG_ucf101.yml', text: broken }] })
    expect(r.graph.classCount).toBe(4)
    expect(r.warnings).toContain('classes_ASKG_ucf101.yml: class "broken", field obj_en_li: is "a, b", not a list — write obj_en_li as a YAML list ("- item" lines)')
  })
})

function getGraphs(): unknown[] {
  return db.prepare('SELECT name FROM knowledge_graphs').all()
}

describe('class names across sources', () => {
  it('ships the official class lists the alias tables are built against', () => {
    for (const [ds, n] of [['ucf101', 101], ['hmdb51', 51], ['k400', 400]] as const) {
      const names = officialClassNames(ds)
      expect(new Set(names).size, ds).toBe(n)
    }
    const k400 = officialClassNames('k400')
    expect(k400).toEqual(pythonSorted(k400)) // K400's index order
    expect(k400).toContain('passing American football (in game)')
    expect(officialClassNames('hmdb51')[12]).toBe('fall floor')
    expect(officialClassNames('ucf101').slice(-1)).toEqual(['Yoyo'])
  })

  it('stores the shipped UCF101 alias table, and an eval config for ucf101 resolves all 101 official names to [S]+[T] prompts', () => {
    const r = importGraphFiles(db, {
      files: [
        { file: 'classes_ASKG_ucf101.yml', text: ucf101AskgFile() },
        { file: 'classes_xprompt_ucf101.yml', text: ucf101XpromptFile() },
      ],
    })
    expect(r.graph).toMatchObject({ name: 'ucf101-authors', dataset: 'ucf101', classCount: 101 })
    expect(r.aliases).toBe(101)
    const g = getGraphVersion(db, r.graph.id)
    expect(g.aliases).toContainEqual({ alias: 'Handstand Pushups', key: 'hand stand pushups', source: 'shipped:ucf101' })
    expect(g.aliases).toContainEqual({ alias: 'Yoyo', key: 'yo yo', source: 'shipped:ucf101' })
    expect(g.classes[36]).toMatchObject({ name: 'Handstand Pushups', key: 'hand stand pushups' })

    const config = ExperimentConfig.parse({ name: 'ucf-zero-shot', text: { graph: 'ucf101-authors', promptSet: 'st' }, eval: [{ dataset: 'ucf101', protocol: 'full' }] })
    const names = officialClassNames('ucf101')
    expect(names).toHaveLength(101)
    const { graphId, classes } = graphClassesForEval(db, config.text.graph, names)
    expect(graphId).toBe(r.graph.id)
    const set = buildPromptSet(classes, { kind: config.text.promptSet, style: config.text.templates, dataset: 'ucf101' })
    expect(set.classes.map((c) => c.name)).toEqual(names)
    for (const c of set.classes) expect(c.unique).toBe(5) // [C] + 1 oo + 1 ao + 2 aa
    expect(set.classes[100]!.prompts[1]).toBe('a human action of Yoyo, where the body moves in a place.')
  })

  it('names the nearest keys for a class that matches nothing', () => {
    importGraphFiles(db, { files: ucfFiles, classNames: ['Apply Eye Makeup', 'Handstand Pushups', 'Yoyo'] })
    expect(nearestKeys('handstand push ups', ['apply eye makeup', 'hand stand pushups', 'Yo Yo'], 1)).toEqual(['hand stand pushups'])
    expect(nearestKeys('yoyo', ['apply eye makeup', 'hand stand pushups', 'Yo Yo'], 2)).toEqual(['Yo Yo', 'apply eye makeup'])
    let err: unknown = null
    try {
      graphClassesForEval(db, 'ucf101-authors', ['Apply Eye Makeup', 'Apply Eye Make-Up Fast'])
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(UnmatchedClassError)
    expect((err as Error).message).toMatch(/has no class for 1 class name\(s\): "Apply Eye Make-Up Fast" \(nearest: "apply eye makeup", /)
    const g = getGraphVersion(db, 1)
    expect(classIndexForName(db, g, 'Yoyo')).toBe(2)
    expect(classIndexForName(db, g, 'HAND STAND PUSHUPS')).toBe(1)
    expect(() => classIndexForName(db, g, 'yoyos')).toThrow(/"yoyos" \(nearest: "Yoyo", "Yo Yo"/)
  })
})

/**
 * The authors' real files, unmodified, when a folder with them is given (STDD_AUTHORS_LABEL_DB =
 * their repository's label_db/). They are not shipped: their repository has no licence.
 */
const labelDb = process.env.STDD_AUTHORS_LABEL_DB
describe.skipIf(!labelDb || !existsSync(labelDb))("the authors' real label_db files", () => {
  it('install as ucf101/hmdb51/k400-authors and resolve every official class name', () => {
    const { installed } = installAuthorsGraphs(db, labelDb!)
    const present = (['ucf101', 'hmdb51', 'k400'] as const).filter((ds) => existsSync(join(labelDb!, `classes_ASKG_${ds}.yml`)))
    expect(installed.map((r) => r.graph.dataset).sort()).toEqual([...present].sort())
    for (const r of installed) {
      const ds = r.graph.dataset as 'ucf101' | 'hmdb51' | 'k400'
      const names = officialClassNames(ds)
      expect(r.aliases, `${ds}: ${r.warnings.join('\n')}`).toBe(names.length)
      const { classes } = graphClassesForEval(db, r.graph.name, names)
      const set = buildPromptSet(classes, { kind: 'st', style: 'dataset', dataset: ds })
      expect(set.classes).toHaveLength(names.length)
      const { files } = exportGraphFiles(db, r.graph.id, 'authors')
      for (const f of files) {
        const original = join(labelDb!, f.file)
        if (existsSync(original)) expect(structure(f.text)).toEqual(structure(readFileSync(original, 'utf8')))
      }
    }
  })
})
