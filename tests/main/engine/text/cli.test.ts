import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { runCli } from '../../../../main/cli/run-cli'
import type { CliContext } from '../../../../main/cli/types'
import { CLAUSE_INSTRUCTION } from '../../../../main/engine/text/generation/prompts'
import { tempDir } from '../../../helpers/temp-dir'
import { ASKG_YML, XPROMPT_YML } from './fixtures/authors-files'
import { clauseAnswer, graphAnswer } from './fixtures/llm-answers'
import { FakeLlmServer } from './helpers/fake-llm'
import { buildSynthWorld } from '../../../../main/engine/data/synth/world'

// The commands get their database from the in-process engine; these tests need only that part of it,
// so they do not depend on the rest of the engine (TensorFlow.js, the run manager).
vi.mock('../../../../main/engine/in-process', async () => {
  const { openDatabase } = await import('../../../../main/engine/store/db')
  const { databasePath, resolveDataDir } = await import('../../../../main/engine/paths')
  return {
    startInProcessEngine: async (o: { dataDir?: string }) => {
      const dataDir = resolveDataDir(o.dataDir)
      const db = openDatabase({ path: databasePath(dataDir) })
      return { engine: { db, dataDir }, close: async () => db.close() }
    },
  }
})

let dir: ReturnType<typeof tempDir>
let out: string[]
let err: string[]
let stop: () => void

function ctx(): CliContext {
  return {
    io: { out: (t) => out.push(t), err: (t) => err.push(t) },
    rendererDir: '',
    engineHost: { hostPath: '', execArgv: [] },
    stopSignal: new Promise<void>((resolve) => (stop = resolve)),
  }
}

async function stdd(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  out = []
  err = []
  const code = await runCli([...args, '--data-dir', join(dir.path, 'data')], ctx())
  return { code, out: out.join('\n'), err: err.join('\n') }
}

beforeEach(() => {
  dir = tempDir()
  writeFileSync(join(dir.path, 'classes_ASKG_hmdb51.yml'), ASKG_YML)
  writeFileSync(join(dir.path, 'classes_xprompt_hmdb51.yml'), XPROMPT_YML)
  writeFileSync(join(dir.path, 'hmdb.txt'), '# HMDB51 classes, index order\nbrush hair\nfall floor\nsmile\n')
})
afterEach(() => dir.remove())

describe('stdd askg / prompts commands', () => {
  it('import → list → show → prompts show → export round-trips the authors\' files', async () => {
    const imp = await stdd('askg', 'import', join(dir.path, 'classes_ASKG_hmdb51.yml'), join(dir.path, 'classes_xprompt_hmdb51.yml'), '--classes', join(dir.path, 'hmdb.txt'))
    expect(imp.code, imp.err).toBe(0)
    expect(imp.out).toMatch(/^created hmdb51-authors@1 \(hmdb51, 3 classes\)/)
    expect(imp.out).toContain('xprompt_aa is empty')

    const list = await stdd('askg', 'list')
    expect(list.out).toMatch(/hmdb51-authors@1\s+hmdb51\s+3/)

    const show = await stdd('askg', 'show', 'fall', 'floor')
    expect(show.code, show.err).toBe(0)
    expect(show.out).toContain('fall floor  (index 1, key "falling to the floor", label "falling to the floor")')
    expect(show.out).toContain('  <body, hits, floor>  →  where the body hits the floor')
    expect(show.out).toContain('  <losing balance, precedes, hitting the floor>  →  (no clause)')
    expect(show.out).toContain('source: import')

    const prompts = await stdd('prompts', 'show', '--set', 't', '--class', 'brush hair', '--style', 'hard', '--save')
    expect(prompts.code, prompts.err).toBe(0)
    expect(prompts.out).toMatch(/hash [0-9a-f]{64} {2}\(stored as prompt set 1\)/)
    expect(prompts.out).toContain(
      [
        '    1  This is a video of brush hair.',
        '    2  This is a video of brush hair, starting with picking up the brush.',
        '    3  This is a video of brush hair, where picking up the brush precedes brushing the hair.',
      ].join('\n'),
    )
    const counts = await stdd('prompts', 'show', '--set', 'st')
    expect(counts.out).toMatch(/0\s+brush hair\s+7\s+7\s+56\n1\s+fall floor\s+4\s+7\s+56/) // [C] + 2 oo + 1 ao + 0 aa, padded to brush hair's 1 + 2 + 2 + 2, × 8 HMDB templates

    const outDir = join(dir.path, 'export')
    const exp = await stdd('askg', 'export', '--out', outDir)
    expect(exp.code, exp.err).toBe(0)
    const normalise = (t: string) => JSON.parse(JSON.stringify(parse(t), (_k, v: unknown) => v ?? []))
    expect(normalise(readFileSync(join(outDir, 'classes_ASKG_hmdb51.yml'), 'utf8'))).toEqual(normalise(ASKG_YML))
    expect(normalise(readFileSync(join(outDir, 'classes_xprompt_hmdb51.yml'), 'utf8'))).toEqual(normalise(XPROMPT_YML))
    expect((await stdd('askg', 'export', '--out', outDir)).err).toMatch(/already exist.*--force/)

    const json = await stdd('askg', 'export', '--format', 'json', '--out', outDir)
    expect(json.code).toBe(0)
    const jsonPath = join(outDir, 'hmdb51-authors@1.json')
    const doc = JSON.parse(readFileSync(jsonPath, 'utf8')) as { classes: { graph: { clauses: { aa: string[] } } }[] }
    doc.classes[2]!.graph.clauses.aa = ['starting with raising the corners of the mouth'] // fill smile's empty temporal clauses by hand
    writeFileSync(jsonPath, JSON.stringify(doc))
    const again = await stdd('askg', 'import', jsonPath)
    expect(again.out).toMatch(/^added hmdb51-authors@2 \(hmdb51, 3 classes, parent #1\)/)
    const smile = JSON.parse((await stdd('askg', 'show', 'smile', '--json')).out) as { graph: { clauses: { aa: string[] } }; provenance: { source: string; note: string } }
    expect(smile.graph.clauses.aa).toEqual(['starting with raising the corners of the mouth'])
    expect(smile.provenance).toMatchObject({ source: 'human', note: 'edited in hmdb51-authors@1.json' })
    expect(JSON.parse((await stdd('askg', 'show', 'smile', '--graph', 'hmdb51-authors@1', '--json')).out).graph.clauses.aa).toEqual([])
    expect(JSON.parse((await stdd('askg', 'show', 'brush hair', '--json')).out).provenance.source).toBe('import')
  })

  it('keeps a malformed triple as text with a warning naming the file, class and field, and exports it back as written', async () => {
    writeFileSync(join(dir.path, 'classes_ASKG_x.yml'), 'run:\n  label: run\n  obj_rel_triples:\n  - <shoes, on>\n')
    const r = await stdd('askg', 'import', join(dir.path, 'classes_ASKG_x.yml'))
    expect(r.code, r.err).toBe(0)
    expect(r.out).toContain('classes_ASKG_x.yml: class "run", field obj_rel_triples.0: "<shoes, on>" is not a triple')
    const outDir = join(dir.path, 'export')
    expect((await stdd('askg', 'export', '--out', outDir)).code).toBe(0)
    expect(readFileSync(join(outDir, 'classes_ASKG_x.yml'), 'utf8')).toContain('  obj_rel_triples:\n  - <shoes, on>\n')
  })

  it('refuses a graph whose xprompt file is of another data set, storing nothing', async () => {
    writeFileSync(join(dir.path, 'classes_ASKG_ucf101.yml'), 'archery:\n  label: archery\n  obj_en_li: [bow]\n')
    const r = await stdd('askg', 'import', join(dir.path, 'classes_ASKG_ucf101.yml'), join(dir.path, 'classes_xprompt_hmdb51.yml'))
    expect(r.code).not.toBe(0)
    expect(r.err).toContain('classes_ASKG_ucf101.yml is for ucf101 but classes_xprompt_hmdb51.yml is for hmdb51')
    expect((await stdd('askg', 'list')).out).toMatch(/No knowledge graphs yet/)
  })

  it('import refuses /dev/zero and a FIFO at once, naming the file (issue 19, F13)', async () => {
    const zero = await stdd('askg', 'import', '/dev/zero')
    expect(zero.code).not.toBe(0)
    expect(zero.err).toContain('/dev/zero: not a regular file; give the knowledge-graph file itself')
  })

  it('usage errors list the choices', async () => {
    expect((await stdd('prompts', 'show', '--set', 'x')).err).toContain('--set: choose one of c, s, t, st')
    expect((await stdd('askg', 'generate', '--dataset', 'ucf101')).err).toContain('--endpoint is required')
  })

  it('builtin stores the SynthMotion graph, whose [T] prompts describe the motion as ordered states', async () => {
    expect((await stdd('askg', 'builtin')).out).toBe('synthmotion-builtin@1 (synthmotion, 216 classes)')
    const r = await stdd('prompts', 'show', '--set', 't', '--style', 'hard', '--class', 'Red Square Sliding Right On Grass')
    expect(r.out).toContain('This is a video of Red Square Sliding Right On Grass, where a red square at the left precedes a red square in the middle.')
  })

  it('generate for SynthMotion covers the classes of every world by default, as the built-in graph does', async () => {
    const server = await new FakeLlmServer((req) => {
      const input = req.messages[3]!.content
      const label = (/action entity: \[(.*)\]/.exec(input) ?? /action label: (.*)/.exec(input))![1]!
      return { content: req.messages[0]!.content === CLAUSE_INSTRUCTION ? clauseAnswer(label) : graphAnswer(label) }
    }).start()
    const prev = process.env.STDD_LLM_API_KEY
    process.env.STDD_LLM_API_KEY = 'sk-cli-secret'
    try {
      const r = await stdd('askg', 'generate', '--dataset', 'synthmotion', '--endpoint', server.baseUrl, '--model', 'tiny', '--concurrency', '8')
      expect(r.code, r.err).toBe(0)
      expect(r.out).toContain('generating 216 classes')
      expect(r.out).toContain('created synthmotion-tiny@1 (synthmotion, 216 classes)')
      // A class of the suites' 36-group world that world 0's 12-group form does not have.
      const suiteOnly = buildSynthWorld({ seed: 0, looks: 3, unseenGroups: 8 }).classes.find((c) => !buildSynthWorld({ seed: 0 }).classes.some((d) => d.name === c.name))!
      expect(JSON.parse((await stdd('askg', 'show', suiteOnly.name, '--json')).out)).toMatchObject({ name: suiteOnly.name })
    } finally {
      if (prev === undefined) delete process.env.STDD_LLM_API_KEY
      else process.env.STDD_LLM_API_KEY = prev
      await server.stop()
    }
  }, 120_000)

  it('generate talks to a local endpoint, stores the graph, and a failed class stores nothing until a re-run succeeds', async () => {
    let failBadminton = true
    const server = await new FakeLlmServer((req) => {
      const input = req.messages[3]!.content
      const label = (/action entity: \[(.*)\]/.exec(input) ?? /action label: (.*)/.exec(input))![1]!
      if (label === 'badminton' && failBadminton) return { status: 500, rawBody: 'down' }
      return { content: req.messages[0]!.content === CLAUSE_INSTRUCTION ? clauseAnswer(label) : graphAnswer(label) }
    }).start()
    const prev = { a: process.env.STDD_LLM_API_KEY, b: process.env.OPENAI_API_KEY }
    process.env.STDD_LLM_API_KEY = 'sk-cli-secret'
    try {
      const args = ['askg', 'generate', '--dataset', 'custom', '--endpoint', server.baseUrl, '--model', 'tiny', '--class', 'Tennis Swing', '--class', 'Badminton', '--retries', '0']
      const first = await stdd(...args)
      expect(first.code).toBe(1)
      expect(first.err).toContain('API key: environment (STDD_LLM_API_KEY)')
      expect(first.err).toMatch(/Badminton \(graph\): HTTP 500/)
      expect(first.err).toContain('nothing stored')
      expect(first.out + first.err).not.toContain('sk-cli-secret')
      expect(existsSync(join(dir.path, 'data', 'askg', 'generations', 'custom-tiny.jsonl'))).toBe(true)

      failBadminton = false
      const n = server.received.length
      const second = await stdd(...args)
      expect(second.code, second.err).toBe(0)
      expect(second.out).toContain('resuming: 1 of 2 classes were already done')
      expect(second.out).toContain('created custom-tiny@1 (custom, 2 classes)')
      expect(server.received.length - n).toBe(2) // only Badminton's two stages
      expect(existsSync(join(dir.path, 'data', 'askg', 'generations', 'custom-tiny.jsonl'))).toBe(false)
      const show = await stdd('askg', 'show', 'Badminton', '--json')
      expect(JSON.parse(show.out)).toMatchObject({ name: 'Badminton', provenance: { source: 'llm', model: 'tiny', endpoint: server.baseUrl } })
    } finally {
      process.env.STDD_LLM_API_KEY = prev.a
      if (prev.a === undefined) delete process.env.STDD_LLM_API_KEY
      if (prev.b !== undefined) process.env.OPENAI_API_KEY = prev.b
      await server.stop()
      stop()
    }
  })
})
