import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ContractError, type EventName, type EventPayload } from '../../../../contract'
import { Engine } from '../../../../main/engine/engine'
import { createExperiment } from '../../../../main/engine/store/experiments'
import { createRun } from '../../../../main/engine/store/runs'
import { CLAUSE_INSTRUCTION } from '../../../../main/engine/text/generation/prompts'
import type { ChatRequest } from '../../../../main/engine/text/llm/types'
import { tempDir } from '../../../helpers/temp-dir'
import { clauseAnswer, graphAnswer } from './fixtures/llm-answers'
import { FakeLlmServer, type Reply } from './helpers/fake-llm'

const SECRET = 'sk-test-never-stored-0123456789'

let dir: ReturnType<typeof tempDir>
let engine: Engine
let events: { event: EventName; payload: unknown }[]
let server: FakeLlmServer | null = null

beforeEach(async () => {
  vi.stubEnv('STDD_LLM_API_KEY', SECRET)
  dir = tempDir()
  engine = await Engine.start({ dataDir: dir.path, withoutTf: true })
  events = []
  engine.subscribe((event, payload) => events.push({ event, payload }))
})
afterEach(async () => {
  engine.close()
  await server?.stop()
  server = null
  dir.remove()
  vi.unstubAllEnvs()
})

function labelOf(req: ChatRequest): string {
  const input = req.messages[3]!.content
  return (/action entity: \[(.*)\]/.exec(input) ?? /action label: (.*)/.exec(input))![1]!
}

function answer(req: ChatRequest): Reply {
  return { content: req.messages[0]!.content === CLAUSE_INSTRUCTION ? clauseAnswer(labelOf(req)) : graphAnswer(labelOf(req)) }
}

async function jobEnd(jobId: number): Promise<EventPayload<'graphs.job'>> {
  for (let i = 0; i < 400; i++) {
    const last = events.filter((e) => e.event === 'graphs.job' && (e.payload as EventPayload<'graphs.job'>).jobId === jobId).pop()?.payload as EventPayload<'graphs.job'> | undefined
    if (last && last.state !== 'running') return last
    await new Promise((r) => setTimeout(r, 25))
  }
  throw new Error(`job ${jobId} did not end`)
}

describe('graphs.* and prompts.preview', () => {
  it('lists the built-in graph with provenance, saves an edited clause as a new version, diffs it, previews it and lists the runs that use it', async () => {
    const list = await engine.invoke('graphs.list', {})
    expect(list).toHaveLength(1)
    expect(list[0]).toMatchObject({ name: 'synthmotion-builtin', version: 1, parentId: null, classCount: 216, sources: { 'built-in': 216, llm: 0 } })
    const v1 = await engine.invoke('graphs.get', { id: list[0]!.id })
    const cls = v1.classes[0]!
    const edited = { ...cls.graph, clauses: { ...cls.graph.clauses, aa: ['starting with a shape at the far left', ...cls.graph.clauses.aa.slice(1)] } }

    const v2 = await engine.invoke('graphs.saveClass', { parentId: v1.id, index: 0, graph: edited, note: 'clearer first clause' })
    expect(v2).toMatchObject({ name: 'synthmotion-builtin', version: 2, parentId: v1.id, note: 'clearer first clause', classCount: 216 })
    expect(events).toContainEqual({ event: 'graphs.changed', payload: v2 })
    const stored = await engine.invoke('graphs.get', { id: v2.id })
    expect(stored.classes[0]!.provenance).toMatchObject({ source: 'human', note: 'clearer first clause' })
    expect((await engine.invoke('graphs.get', { id: v1.id })).classes[0]!.graph.clauses.aa[0]).toBe(cls.graph.clauses.aa[0]) // the parent never changes

    const diff = await engine.invoke('graphs.diff', { fromId: v1.id, toId: v2.id })
    expect(diff.filter((d) => d.status !== 'same')).toEqual([
      { index: 0, name: cls.name, status: 'changed', changes: [{ field: 'xprompt_aa', removed: [cls.graph.clauses.aa[0]!], added: ['starting with a shape at the far left'] }] },
    ])

    const preview = await engine.invoke('prompts.preview', { graphId: v2.id, classIndex: 0, style: 'hard' })
    const t = preview.sets.find((s) => s.kind === 't')!
    expect(t.label).toBe('[T]')
    expect(t.prompts[0]).toBe(`This is a video of ${cls.name}.`)
    expect(t.prompts[1]).toBe(`This is a video of ${cls.name}, starting with a shape at the far left.`)
    expect(preview.sets.find((s) => s.kind === 'c')!.prompts).toEqual([`This is a video of ${cls.name}.`])
    expect(preview.sets.find((s) => s.kind === 'st')!.prompts.length).toBe(1 + cls.graph.clauses.oo.length + cls.graph.clauses.ao.length + cls.graph.clauses.aa.length)

    expect(await engine.invoke('graphs.runs', { id: v2.id })).toEqual([])
    const exp = createExperiment(engine.db, { name: 'graph-eval' })
    const run = createRun(engine.db, { experimentId: exp.id, name: 'zero-shot', config: { text: { graph: 'synthmotion-builtin@2' } }, configDiff: {}, seed: 0 })
    expect(await engine.invoke('graphs.runs', { id: v2.id })).toMatchObject([{ runId: run.id, runName: 'zero-shot', experimentName: 'graph-eval', status: 'queued', promptSetHash: null }])
    expect(await engine.invoke('graphs.runs', { id: v1.id })).toEqual([])
  })

  it('refuses an edit that changes nothing or breaks a triple, naming the field', async () => {
    const [g] = await engine.invoke('graphs.list', {})
    const cls = (await engine.invoke('graphs.get', { id: g!.id })).classes[0]!
    await expect(engine.invoke('graphs.saveClass', { parentId: g!.id, index: 0, graph: cls.graph })).rejects.toThrow(/unchanged in this edit/)
    const broken = { ...cls.graph, objectRelations: [{ head: 'a', relation: '', tail: 'b' }] }
    const err = await engine.invoke('graphs.saveClass', { parentId: g!.id, index: 0, graph: broken }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ContractError)
    expect((err as ContractError).code).toBe('invalid_input')
    expect(JSON.stringify((err as ContractError).issues)).toContain('graph.objectRelations.0.relation')
  })

  it('regenerates classes through an OpenAI-compatible endpoint as a job with progress; the API key never reaches the store or the events', async () => {
    server = await new FakeLlmServer(answer).start()
    vi.stubEnv('STDD_LLM_ENDPOINT', server.baseUrl)
    const [g] = await engine.invoke('graphs.list', {})
    const job = await engine.invoke('graphs.generate', { target: { kind: 'regenerate', graphId: g!.id, classIndices: [1, 2] }, endpoint: server.baseUrl, model: 'local-model', graphTemperature: 0, clauseTemperature: 0.5 })
    expect(job).toMatchObject({ state: 'running', total: 2, done: 0, model: 'local-model', target: 'synthmotion-builtin@1: 2 class(es)' })
    const end = await jobEnd(job.jobId)
    expect(end).toMatchObject({ state: 'done', done: 2, failed: 0 })
    expect(events.filter((e) => e.event === 'graphs.job').length).toBeGreaterThan(4) // per-stage progress
    const v2 = await engine.invoke('graphs.get', { id: end.graphId! })
    expect(v2).toMatchObject({ version: 2, parentId: g!.id })
    expect(v2.classes[1]!.provenance).toMatchObject({ source: 'llm', model: 'local-model', endpoint: server.baseUrl })
    expect(v2.classes[1]!.graph.clauses.aa).toEqual(['starting with serving the ball', 'where serving the ball precedes returning the ball'])
    expect(v2.classes[0]!.provenance.source).toBe('built-in')
    expect(server.received.map((r) => r.request.temperature).sort()).toEqual([0, 0, 0.5, 0.5])
    expect(server.received.every((r) => r.headers.authorization === `Bearer ${SECRET}`)).toBe(true)
    expect(events.some((e) => e.event === 'graphs.changed' && (e.payload as { id: number }).id === v2.id)).toBe(true)
    expect(JSON.stringify(events)).not.toContain(SECRET)
    for (const f of readdirSync(dir.path, { recursive: true, encoding: 'utf8' })) {
      const p = join(dir.path, f)
      if (statSync(p).isFile()) expect(readFileSync(p).includes(SECRET), p).toBe(false) // database, WAL, journal, LLM cache
    }
    expect(await engine.invoke('graphs.jobs', {})).toMatchObject([{ jobId: job.jobId, state: 'done' }])
  })

  it('never sends the API key to an endpoint a caller names other than the one it is bound to (issue 19, F5)', async () => {
    server = await new FakeLlmServer(answer).start()
    vi.stubEnv('STDD_LLM_ENDPOINT', 'https://api.example.com/v1')
    const [g] = await engine.invoke('graphs.list', {})
    const job = await engine.invoke('graphs.generate', { target: { kind: 'regenerate', graphId: g!.id, classIndices: [1] }, endpoint: server.baseUrl, model: 'local-model' })
    expect(await jobEnd(job.jobId)).toMatchObject({ state: 'done' })
    expect(server.received.length).toBeGreaterThan(0)
    expect(server.received.every((r) => r.headers.authorization === undefined)).toBe(true)
    const plain = await engine.invoke('graphs.generate', { target: { kind: 'regenerate', graphId: g!.id, classIndices: [1] }, endpoint: 'http://api.example.com/v1', model: 'm' }).catch((e: unknown) => e)
    expect(plain).toBeInstanceOf(ContractError)
    expect((plain as ContractError).message).toMatch(/endpoint: .*plain http to another machine/)
  })

  it('cancels a running job, storing nothing', async () => {
    server = await new FakeLlmServer(() => ({ content: 'x', delayMs: 5000 })).start()
    const job = await engine.invoke('graphs.generate', { target: { kind: 'new', name: 'slow-graph', dataset: 'ucf101', classNames: ['Archery'] }, endpoint: server.baseUrl, model: 'm' })
    await new Promise((r) => setTimeout(r, 100))
    expect((await engine.invoke('graphs.cancelJob', { jobId: job.jobId })).message).toBe('cancelling…')
    const end = await jobEnd(job.jobId)
    expect(end).toMatchObject({ state: 'cancelled', graphId: null })
    expect((await engine.invoke('graphs.list', { dataset: 'ucf101' })).length).toBe(0)
    await expect(engine.invoke('graphs.cancelJob', { jobId: 99 })).rejects.toThrow(/generation job 99 does not exist/)
  })
})
