import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ContractError } from '../../../../contract'
import { openDatabase, type Db } from '../../../../main/engine/store/db'
import { createExperiment } from '../../../../main/engine/store/experiments'
import {
  addGraphVersion,
  createGraph,
  editGraphClasses,
  getGraph,
  getGraphClass,
  getGraphSummary,
  listGraphs,
  resolveGraphRef,
} from '../../../../main/engine/store/knowledge-graphs'
import { getPromptSet, getPromptSetByHash, savePromptSet } from '../../../../main/engine/store/prompt-sets'
import { createRun } from '../../../../main/engine/store/runs'
import { importAuthorsFiles } from '../../../../main/engine/text/io/authors-import'
import { parseAskgFile, parseXpromptFile } from '../../../../main/engine/text/io/authors-yaml'
import { buildPromptSet } from '../../../../main/engine/text/prompts/build'
import { buildSynthGraphClasses, ensureBuiltinSynthGraph, SYNTH_GRAPH_NAME } from '../../../../main/engine/text/synth-graph'
import { buildSynthWorld } from '../../../../main/engine/data/synth/world'
import { FileLlmCache } from '../../../../main/engine/text/llm/cache'
import { LlmClient } from '../../../../main/engine/text/llm/client'
import { FileJournal } from '../../../../main/engine/text/generation/journal'
import { generateGraphs } from '../../../../main/engine/text/generation/pipeline'
import { CLAUSE_INSTRUCTION } from '../../../../main/engine/text/generation/prompts'
import { ASKG_YML, HMDB_NAMES, XPROMPT_YML } from '../text/fixtures/authors-files'
import { clauseAnswer, graphAnswer } from '../text/fixtures/llm-answers'
import { FakeLlmServer, localOnlyFetch } from '../text/helpers/fake-llm'
import { tempDir } from '../../../helpers/temp-dir'

function hmdbClasses() {
  return importAuthorsFiles({
    askg: { file: 'classes_ASKG_hmdb51.yml', parsed: parseAskgFile(ASKG_YML, 'classes_ASKG_hmdb51.yml') },
    xprompt: { file: 'classes_xprompt_hmdb51.yml', parsed: parseXpromptFile(XPROMPT_YML, 'classes_xprompt_hmdb51.yml') },
    classNames: HMDB_NAMES,
    now: '2025-01-01T00:00:00.000Z',
  }).classes
}

let db: Db
beforeEach(() => {
  db = openDatabase({ path: ':memory:' })
})
afterEach(() => db.close())

describe('knowledge graphs in SQLite', () => {
  it('stores version 1 with every class and its provenance, and refuses a second graph of the same name', () => {
    const g = createGraph(db, { name: 'hmdb-authors', dataset: 'hmdb51', note: 'from the paper', classes: hmdbClasses() })
    expect(g).toMatchObject({ name: 'hmdb-authors', dataset: 'hmdb51', version: 1, parentId: null, note: 'from the paper', classCount: 3 })
    expect(getGraph(db, g.id).classes).toEqual(hmdbClasses())
    expect(getGraphClass(db, g.id, 'falling to the floor').name).toBe('fall floor') // by key
    expect(getGraphClass(db, g.id, 'Fall Floor').index).toBe(1) // by name, any case
    expect(getGraphClass(db, g.id, 2).name).toBe('smile')
    expect(() => getGraphClass(db, g.id, 'run')).toThrow(/class "run" is not in hmdb-authors@1/)
    expect(() => createGraph(db, { name: 'hmdb-authors', dataset: 'hmdb51', classes: hmdbClasses() })).toThrow(expect.objectContaining({ code: 'conflict' }))
  })

  it('an edit writes a new version whose parent is the edited one, leaving the old version as it was', () => {
    const v1 = createGraph(db, { name: 'g', dataset: 'hmdb51', classes: hmdbClasses() })
    const smile = getGraphClass(db, v1.id, 'smile')
    const v2 = editGraphClasses(db, v1.id, [{ index: 2, graph: { ...smile.graph, clauses: { ...smile.graph.clauses, aa: ['starting with raising the corners of the mouth'] } } }], 'fill the empty temporal clauses')
    expect(v2).toMatchObject({ name: 'g', version: 2, parentId: v1.id, note: 'fill the empty temporal clauses' })
    expect(getGraphClass(db, v2.id, 'smile').graph.clauses.aa).toEqual(['starting with raising the corners of the mouth'])
    expect(getGraphClass(db, v2.id, 'smile').provenance).toMatchObject({ source: 'human', note: 'fill the empty temporal clauses' })
    expect(getGraphClass(db, v2.id, 'brush hair').provenance.source).toBe('import') // untouched classes keep theirs
    expect(getGraphClass(db, v1.id, 'smile').graph.clauses.aa).toEqual([]) // v1 unchanged
    expect(getGraphSummary(db, v2.id)).toMatchObject({ version: 2, parentId: v1.id })
    expect(resolveGraphRef(db, 'g').id).toBe(v2.id)
    expect(resolveGraphRef(db, 'g@1').id).toBe(v1.id)
    expect(resolveGraphRef(db, `#${v1.id}`).version).toBe(1)
    expect(() => resolveGraphRef(db, 'nope')).toThrow(/no knowledge graph "nope"; the graphs are: g/)
    const v3 = addGraphVersion(db, v1.id, { classes: hmdbClasses().slice(0, 2), note: 'branch from v1' })
    expect(v3).toMatchObject({ version: 3, parentId: v1.id, classCount: 2 })
    expect(listGraphs(db, { name: 'g' }).map((s) => s.version)).toEqual([1, 2, 3])
  })

  it('refuses invalid classes, naming the class and field', () => {
    const classes = hmdbClasses()
    classes[1] = { ...classes[1]!, name: 'brush hair' }
    expect(() => createGraph(db, { name: 'dup', dataset: 'hmdb51', classes })).toThrow(/brush hair\.name: name "brush hair" is used by another class/)
    const bad = hmdbClasses()
    bad[0]!.graph.objects.push('  ')
    try {
      createGraph(db, { name: 'bad', dataset: 'hmdb51', classes: bad })
      expect.unreachable()
    } catch (err) {
      expect(err).toBeInstanceOf(ContractError)
      expect((err as ContractError).code).toBe('invalid_input')
      expect((err as ContractError).issues).toEqual([{ path: 'brush hair.obj_en_li.5', message: 'must be a non-empty string — correct the value in the file or the editor' }])
    }
    expect(listGraphs(db)).toEqual([])
  })

  it('prompt sets are stored by hash, and a run points at the exact graph version it used', () => {
    const v1 = createGraph(db, { name: 'g', dataset: 'hmdb51', classes: hmdbClasses() })
    const set = buildPromptSet(v1.classes, { kind: 'st', style: 'dataset', dataset: 'hmdb51' })
    const saved = savePromptSet(db, v1.id, set)
    expect(saved).toMatchObject({ hash: set.hash, graphId: v1.id, created: true })
    expect(savePromptSet(db, v1.id, set)).toMatchObject({ id: saved.id, created: false })
    expect(getPromptSet(db, saved.id).set).toEqual(set)
    expect(getPromptSetByHash(db, set.hash.slice(0, 10)).id).toBe(saved.id)
    expect(() => getPromptSetByHash(db, 'xyz')).toThrow(/not a prompt-set hash/)

    const exp = createExperiment(db, { name: 'e' })
    const run = createRun(db, { experimentId: exp.id, name: 'r', config: {}, configDiff: {}, seed: 0, promptSetId: saved.id })
    const smile = getGraphClass(db, v1.id, 'smile')
    const v2 = editGraphClasses(db, v1.id, [{ index: 2, graph: { ...smile.graph, clauses: { ...smile.graph.clauses, aa: ['starting with a grin'] } } }])
    const set2 = savePromptSet(db, v2.id, buildPromptSet(v2.classes, { kind: 'st', style: 'dataset', dataset: 'hmdb51' }))
    expect(set2.hash).not.toBe(set.hash)
    const row = db.prepare('SELECT ps.hash, kg.name, kg.version FROM runs r JOIN prompt_sets ps ON ps.id = r.prompt_set_id JOIN knowledge_graphs kg ON kg.id = ps.graph_id WHERE r.id = ?').get(run.id)
    expect(row).toEqual({ hash: set.hash, name: 'g', version: 1 })
    expect(db.prepare('SELECT hash FROM prompt_sets WHERE graph_id = ?').all(v2.id)).toEqual([{ hash: set2.hash }])
  })

  it('creates the built-in SynthMotion graph once', () => {
    const a = ensureBuiltinSynthGraph(db)
    const b = ensureBuiltinSynthGraph(db)
    expect(a.name).toBe(SYNTH_GRAPH_NAME)
    expect(b.id).toBe(a.id)
    // the classes of every world (object × colour × scene × motion), so any synthmotion.worldSeed finds its own
    expect(a.classCount).toBe(216)
    expect(a.classes[0]!.provenance.source).toBe('built-in')
  })

  it('adds the classes of every world to a built-in graph that held one world only, keeping its classes and edits', () => {
    const oneWorld = buildSynthGraphClasses(buildSynthWorld({ seed: 0 }).classes)
    const v1 = createGraph(db, { name: SYNTH_GRAPH_NAME, dataset: 'synthmotion', classes: oneWorld })
    const first = oneWorld[0]!
    const edited = editGraphClasses(db, v1.id, [{ index: first.index, graph: { ...first.graph, clauses: { ...first.graph.clauses, oo: ['where a hand-written clause stays'] } } }])
    const upgraded = ensureBuiltinSynthGraph(db)
    expect(upgraded.version).toBe(3)
    expect(upgraded.parentId).toBe(edited.id)
    expect(upgraded.classCount).toBe(216)
    expect(getGraphClass(db, upgraded.id, first.name).graph.clauses.oo).toEqual(['where a hand-written clause stays'])
    expect(new Set(upgraded.classes.map((c) => c.index)).size).toBe(216)
    expect(ensureBuiltinSynthGraph(db).id).toBe(upgraded.id)
  })
})

describe('the API key', () => {
  const KEY = 'sk-test-KEY-must-never-be-stored-0123456789'

  function filesUnder(dir: string): string[] {
    return readdirSync(dir).flatMap((f) => {
      const p = join(dir, f)
      return statSync(p).isDirectory() ? filesUnder(p) : [p]
    })
  }

  it('is sent to the endpoint but never written to the database, the cache, the journal or the logs', async () => {
    const dir = tempDir()
    const server = await new FakeLlmServer((req) => {
      const input = req.messages[3]!.content
      const label = (/action entity: \[(.*)\]/.exec(input) ?? /action label: (.*)/.exec(input))![1]!
      return { content: req.messages[0]!.content === CLAUSE_INSTRUCTION ? clauseAnswer(label) : graphAnswer(label) }
    }).start()
    const fileDb = openDatabase({ path: join(dir.path, 'stdd.sqlite') })
    try {
      const logs: string[] = []
      const client = new LlmClient({ baseUrl: server.baseUrl, apiKey: { key: KEY, endpoint: server.baseUrl }, fetch: localOnlyFetch, cache: new FileLlmCache(join(dir.path, 'cache')), onEvent: (e) => logs.push(JSON.stringify(e)) })
      const r = await generateGraphs({
        classes: [{ index: 0, name: 'Tennis Swing' }],
        client,
        model: 'm',
        journal: new FileJournal(join(dir.path, 'journal.jsonl')),
        onProgress: (e) => logs.push(JSON.stringify(e)),
      })
      expect(r.failures).toEqual([])
      createGraph(fileDb, { name: 'gen', dataset: 'custom', classes: r.classes })
      expect(server.received.every((x) => x.headers.authorization === `Bearer ${KEY}`)).toBe(true)
      fileDb.pragma('wal_checkpoint(TRUNCATE)')
      fileDb.close()
      const files = filesUnder(dir.path)
      expect(files.some((f) => f.endsWith('stdd.sqlite'))).toBe(true)
      expect(files.some((f) => f.includes(`${join('cache', '')}`))).toBe(true)
      for (const f of files) expect(readFileSync(f).includes(Buffer.from(KEY)), f).toBe(false)
      expect(logs.join('\n')).not.toContain(KEY)
      expect(JSON.stringify(r)).not.toContain(KEY)
    } finally {
      if (fileDb.open) fileDb.close()
      await server.stop()
      dir.remove()
    }
  })
})
