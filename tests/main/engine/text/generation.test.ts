import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { FileLlmCache } from '../../../../main/engine/text/llm/cache'
import { LlmClient, type LlmClientOptions } from '../../../../main/engine/text/llm/client'
import type { ChatRequest } from '../../../../main/engine/text/llm/types'
import { CLAUSE_INSTRUCTION, GRAPH_INSTRUCTION } from '../../../../main/engine/text/generation/prompts'
import { FileJournal } from '../../../../main/engine/text/generation/journal'
import { MemoryJournal } from '../../../helpers/memory-doubles'
import { generateGraphs, type GenerationOptions, type GenerationProgress } from '../../../../main/engine/text/generation/pipeline'
import { FakeLlmServer, localOnlyFetch, type Reply } from './helpers/fake-llm'
import { CLAUSES, clauseAnswer, graphAnswer } from './fixtures/llm-answers'
import { tempDir } from '../../../helpers/temp-dir'

const CLASSES = [
  { index: 0, name: 'Tennis Swing' },
  { index: 1, name: 'Badminton' },
  { index: 2, name: 'Table Tennis Shot' },
]

type Stage = 'graph' | 'clauses'
function stageOf(req: ChatRequest): Stage {
  const system = req.messages[0]!.content
  if (system === GRAPH_INSTRUCTION) return 'graph'
  if (system === CLAUSE_INSTRUCTION) return 'clauses'
  throw new Error('unknown stage')
}
/** The class label a request is about: from "action entity: [x]" or "action label: x". */
function labelOf(req: ChatRequest): string {
  const input = req.messages[3]!.content
  return (/action entity: \[(.*)\]/.exec(input) ?? /action label: (.*)/.exec(input))![1]!
}
const isRepair = (req: ChatRequest) => req.messages.length > 4

function goodReply(req: ChatRequest): Reply {
  const label = labelOf(req)
  return { content: stageOf(req) === 'graph' ? graphAnswer(label) : clauseAnswer(label) }
}

let server: FakeLlmServer | null = null
afterEach(async () => {
  await server?.stop()
  server = null
})

async function setup(script: (req: ChatRequest, n: number) => Reply | Promise<Reply>, clientOpts: Partial<LlmClientOptions> = {}) {
  server = await new FakeLlmServer(script).start()
  const client = new LlmClient({ baseUrl: server.baseUrl, fetch: localOnlyFetch, sleep: async () => {}, backoffBaseMs: 1, maxRetries: 2, ...clientOpts })
  const progress: GenerationProgress[] = []
  const run = (o: Partial<GenerationOptions> = {}) =>
    generateGraphs({ classes: CLASSES, client, model: 'local-model', journal: new MemoryJournal(), onProgress: (e) => progress.push(e), now: () => 'T', ...o })
  return { client, run, progress, server }
}

describe('two-stage generation against a scripted server on 127.0.0.1', () => {
  it('builds every class from good answers, recording the prompts, temperatures and raw answers', async () => {
    const { run, server } = await setup(goodReply)
    const r = await run()
    expect(r.failures).toEqual([])
    expect(r.stopped).toBe(false)
    expect(r.classes.map((c) => [c.index, c.name, c.key])).toEqual([
      [0, 'Tennis Swing', 'tennis swing'],
      [1, 'Badminton', 'badminton'],
      [2, 'Table Tennis Shot', 'table tennis shot'],
    ])
    const c = r.classes[1]!
    expect(c.graph).toEqual({
      label: 'badminton',
      objects: ['ball', 'net', 'court', 'racket', 'shoes'],
      subActions: ['serving the ball', 'returning the ball'],
      objectRelations: [
        { head: 'ball', relation: 'hit over', tail: 'net' },
        { head: 'net', relation: 'divides', tail: 'court' },
      ],
      actionObjectRelations: [
        { head: 'badminton', relation: 'uses', tail: 'racket' },
        { head: 'badminton', relation: 'involves', tail: 'ball' },
      ],
      actionRelations: [
        { head: 'badminton', relation: 'starts with', tail: 'serving the ball' },
        { head: 'serving the ball', relation: 'precedes', tail: 'returning the ball' },
      ],
      clauses: CLAUSES,
    })
    expect(c.provenance.source).toBe('llm')
    expect(c.provenance.endpoint).toBe(server.baseUrl)
    expect(c.provenance.model).toBe('local-model')
    expect(c.provenance.stages!.graph).toMatchObject({ temperature: 0, maxTokens: 1024, rawResponses: [graphAnswer('badminton')], cached: false })
    expect(c.provenance.stages!.clauses).toMatchObject({ temperature: 0.7, maxTokens: 1024, rawResponses: [clauseAnswer('badminton')] })
    // the authors' inputs: the lower-cased class name, then the numbered triples
    expect(c.provenance.stages!.graph!.messages[3]).toEqual({ role: 'user', content: 'action entity: [badminton]' })
    const clauseInput = c.provenance.stages!.clauses!.messages[3]!.content
    expect(clauseInput).toBe(
      [
        'action label: badminton',
        '',
        'object-object relation triples:',
        '1 - <ball, hit over, net>',
        '2 - <net, divides, court>',
        '',
        'action-object relation triples:',
        '1 - <badminton, uses, racket>',
        '2 - <badminton, involves, ball>',
        '',
        'action-action relation triples:',
        '1 - <badminton, starts with, serving the ball>',
        '2 - <serving the ball, precedes, returning the ball>',
      ].join('\n'),
    )
    expect(server.received).toHaveLength(6)
    expect(server.received.every((r) => r.request.model === 'local-model' && r.request.max_tokens === 1024)).toBe(true)
  })

  it('reads answers wrapped in code fences and prose', async () => {
    const { run } = await setup((req) => {
      const body = goodReply(req).content!
      return { content: `Sure! Here is the YAML you asked for:\n\n\`\`\`yaml\n${body}\n\`\`\`\n\nLet me know if you need anything else.` }
    })
    const r = await run({ classes: [CLASSES[0]!] })
    expect(r.failures).toEqual([])
    expect(r.classes[0]!.graph.clauses).toEqual(CLAUSES)
  })

  it('repairs a malformed answer by sending it back with the list of problems', async () => {
    const { run, server } = await setup((req) => {
      if (labelOf(req) === 'badminton' && stageOf(req) === 'graph' && !isRepair(req)) {
        return { content: 'badminton:\n  label: badminton\n  obj_en_li: [shuttlecock, racket]\n  obj_rel_triples: [\n' } // broken YAML, too few objects
      }
      if (labelOf(req) === 'badminton' && stageOf(req) === 'clauses' && !isRepair(req)) {
        return { content: clauseAnswer('badminton').replace('    - where the net divides the court\n', '') } // one clause short
      }
      return goodReply(req)
    })
    const r = await run()
    expect(r.failures).toEqual([])
    const b = r.classes.find((c) => c.name === 'Badminton')!
    expect(b.provenance.stages!.graph!.rawResponses).toHaveLength(2)
    expect(b.provenance.stages!.clauses!.rawResponses).toHaveLength(2)
    const repairs = server.received.filter((x) => isRepair(x.request))
    expect(repairs).toHaveLength(2)
    const graphRepair = repairs.find((x) => stageOf(x.request) === 'graph')!.request
    expect(graphRepair.messages[4]).toEqual({ role: 'assistant', content: 'badminton:\n  label: badminton\n  obj_en_li: [shuttlecock, racket]\n  obj_rel_triples: [\n' })
    expect(graphRepair.messages[5]!.content).toMatch(/^Your answer could not be used:\n- obj_en_li: has 2 objects \(list between 5 and 10 objects/)
    const clauseRepair = repairs.find((x) => stageOf(x.request) === 'clauses')!.request
    expect(clauseRepair.messages[5]!.content).toContain('- xprompt_oo: has 1 clause(s) for 2 triple(s) in obj_rel_triples (write exactly one clause per triple, in the same order)')
  })

  it('reports a class whose answers stay unusable, never filling it in; the others succeed', async () => {
    const { run, progress } = await setup((req) => (labelOf(req) === 'badminton' ? { content: 'I am sorry, I cannot help with badminton.' } : goodReply(req)))
    const r = await run({ maxRepairs: 1 })
    expect(r.classes.map((c) => c.name)).toEqual(['Tennis Swing', 'Table Tennis Shot'])
    expect(r.failures).toEqual([
      {
        index: 1,
        name: 'Badminton',
        stage: 'graph',
        reason: 'the answer stayed unusable after the repairs',
        issues: [{ className: 'Badminton', field: '(answer)', message: expect.stringMatching(/no entry with the fields/), fix: 'answer with the YAML entry only' }],
      },
    ])
    expect(progress.filter((p) => p.type === 'class-failed')).toHaveLength(1)
  })

  it('waits out a 429 and goes on', async () => {
    let limited = 0
    const { run } = await setup((req) => (limited++ === 0 ? { status: 429, rawBody: '{"error":"slow down"}', headers: { 'retry-after': '0' } } : goodReply(req)))
    const r = await run()
    expect(r.failures).toEqual([])
    expect(r.classes).toHaveLength(3)
  })

  it('fails only the class whose requests keep getting 500s, naming the status', async () => {
    const { run, server } = await setup((req) => (labelOf(req) === 'table tennis shot' ? { status: 500, rawBody: 'upstream crashed' } : goodReply(req)))
    const r = await run()
    expect(r.classes.map((c) => c.name)).toEqual(['Tennis Swing', 'Badminton'])
    expect(r.failures).toHaveLength(1)
    expect(r.failures[0]).toMatchObject({ name: 'Table Tennis Shot', stage: 'graph', issues: [] })
    expect(r.failures[0]!.reason).toMatch(/HTTP 500 .*upstream crashed.*gave up after 3 attempts/)
    expect(server.received.filter((x) => labelOf(x.request) === 'table tennis shot')).toHaveLength(3)
  })

  it('fails a class whose answer times out every time', async () => {
    const { run } = await setup((req) => (labelOf(req) === 'badminton' && stageOf(req) === 'clauses' ? { content: 'late', delayMs: 800 } : goodReply(req)), { timeoutMs: 150, maxRetries: 1 })
    const r = await run()
    expect(r.failures).toEqual([{ index: 1, name: 'Badminton', stage: 'clauses', reason: expect.stringMatching(/no answer .* within 0.15 s/), issues: [] }])
  })

  it('stops, then resumes where it stopped: finished stages are not asked again', async () => {
    const dir = tempDir()
    try {
      const journalPath = join(dir.path, 'gen.jsonl')
      const ctl = new AbortController()
      const { client, server } = await setup(
        (req) => {
          // one request at a time: the three graphs, then the clauses; stop while the last one is in flight
          if (labelOf(req) === 'table tennis shot' && stageOf(req) === 'clauses') {
            setTimeout(() => ctl.abort(), 20)
            return { ...goodReply(req), delayMs: 500 }
          }
          return goodReply(req)
        },
        { concurrency: 1 },
      )
      const first = await generateGraphs({ classes: CLASSES, client, model: 'm', journal: new FileJournal(journalPath), signal: ctl.signal })
      expect(first.stopped).toBe(true)
      expect(first.classes.map((c) => c.name)).toEqual(['Tennis Swing', 'Badminton'])
      expect(first.pending).toEqual([{ index: 2, name: 'Table Tennis Shot' }])
      expect(first.failures).toEqual([])
      const sentBefore = server.received.length
      expect(readFileSync(journalPath, 'utf8').trim().split('\n')).toHaveLength(1 + 3 + 2) // settings, 3 graphs, 2 clause sets

      server.script = goodReply
      const progress: GenerationProgress[] = []
      const second = await generateGraphs({ classes: CLASSES, client, model: 'm', journal: new FileJournal(journalPath), onProgress: (e) => progress.push(e) })
      expect(second.stopped).toBe(false)
      expect(second.classes.map((c) => c.name)).toEqual(['Tennis Swing', 'Badminton', 'Table Tennis Shot'])
      expect(progress[0]).toEqual({ type: 'resumed', done: 2, total: 3 })
      const resent = server.received.slice(sentBefore).map((x) => [labelOf(x.request), stageOf(x.request)])
      expect(resent).toEqual([['table tennis shot', 'clauses']])
      expect(second.classes[0]!.graph).toEqual(first.classes[0]!.graph)

      await expect(generateGraphs({ classes: CLASSES, client, model: 'other', journal: new FileJournal(journalPath) })).rejects.toThrow(/other settings \(model\).*--restart/)
    } finally {
      dir.remove()
    }
  })

  it('answers a repeated generation from the on-disk cache without any request', async () => {
    const dir = tempDir()
    try {
      const { server } = await setup(goodReply)
      const mk = () => new LlmClient({ baseUrl: server.baseUrl, fetch: localOnlyFetch, cache: new FileLlmCache(join(dir.path, 'cache')) })
      const a = await generateGraphs({ classes: CLASSES, client: mk(), model: 'm', journal: new MemoryJournal() })
      const n = server.received.length
      const b = await generateGraphs({ classes: CLASSES, client: mk(), model: 'm', journal: new MemoryJournal() })
      expect(server.received.length).toBe(n)
      expect(b.classes.map((c) => c.graph)).toEqual(a.classes.map((c) => c.graph))
      expect(b.classes[0]!.provenance.stages!.graph!.cached).toBe(true)
      expect(existsSync(join(dir.path, 'cache'))).toBe(true)
    } finally {
      dir.remove()
    }
  })
})
