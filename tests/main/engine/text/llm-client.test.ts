import { afterEach, describe, expect, it } from 'vitest'
import { MemoryLlmCache } from '../../../../main/engine/text/llm/cache'
import { LlmClient, retryAfterMs, type LlmClientOptions } from '../../../../main/engine/text/llm/client'
import { normalizeBaseUrl } from '../../../../main/engine/text/llm/endpoint'
import { Limiter } from '../../../../main/engine/text/llm/limiter'
import { LlmError, LlmStopped, type ChatRequest, type LlmEvent } from '../../../../main/engine/text/llm/types'
import { resolveApiKey } from '../../../../main/engine/text/llm/api-key'
import { FakeLlmServer, localOnlyFetch, type Reply } from './helpers/fake-llm'

const REQ: ChatRequest = { model: 'test-model', messages: [{ role: 'user', content: 'hi' }], temperature: 0, max_tokens: 64 }
let server: FakeLlmServer | null = null

afterEach(async () => {
  await server?.stop()
  server = null
})

async function setup(script: (req: ChatRequest, n: number) => Reply, opts: Partial<LlmClientOptions> = {}) {
  server = await new FakeLlmServer(script).start()
  const events: LlmEvent[] = []
  const waits: number[] = []
  const client = new LlmClient({
    baseUrl: server.baseUrl,
    fetch: localOnlyFetch,
    random: () => 1,
    backoffBaseMs: 10,
    backoffMaxMs: 1000,
    sleep: async (ms) => {
      waits.push(ms)
    },
    onEvent: (e) => events.push(e),
    ...opts,
  })
  return { client, events, waits, server }
}

describe('LlmClient against a scripted OpenAI-compatible server on 127.0.0.1', () => {
  it('sends the request as chat completions and returns the assistant text', async () => {
    const { client, server } = await setup(() => ({ content: 'hello' }), { apiKey: 'sk-test-secret' })
    const r = await client.chat(REQ)
    expect(r).toEqual({ content: 'hello', cached: false, attempts: 1 })
    expect(server.received[0]!.request).toEqual(REQ)
    expect(server.received[0]!.headers.authorization).toBe('Bearer sk-test-secret')
  })

  it('retries a 429 then succeeds, waiting as Retry-After says', async () => {
    const { client, waits, events } = await setup((_r, n) => (n === 1 ? { status: 429, rawBody: '{"error":"rate"}', headers: { 'retry-after': '0.25' } } : { content: 'ok' }))
    const r = await client.chat(REQ)
    expect(r.content).toBe('ok')
    expect(r.attempts).toBe(2)
    expect(waits).toEqual([250])
    expect(events.filter((e) => e.type === 'retry')).toHaveLength(1)
  })

  it('backs off exponentially on 5xx and gives up after maxRetries with the status in the message', async () => {
    const { client, waits, server } = await setup(() => ({ status: 500, rawBody: 'boom' }), { maxRetries: 3 })
    const err = await client.chat(REQ).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(LlmError)
    expect((err as LlmError).status).toBe(500)
    expect((err as Error).message).toMatch(/HTTP 500 .*boom.*gave up after 4 attempts/)
    expect(server.received).toHaveLength(4)
    expect(waits).toEqual([10, 20, 40]) // base 10 ms · 2^attempt, jitter factor 1
  })

  it('does not retry a 401 and says which variable holds the key', async () => {
    const { client, server } = await setup(() => ({ status: 401, rawBody: '{"error":"bad key"}' }))
    await expect(client.chat(REQ)).rejects.toThrow(/HTTP 401.*STDD_LLM_API_KEY/)
    expect(server.received).toHaveLength(1)
  })

  it('times out a slow answer and retries it', async () => {
    const { client, server } = await setup((_r, n) => (n === 1 ? { content: 'late', delayMs: 1500 } : { content: 'fast' }), { timeoutMs: 200 })
    const r = await client.chat(REQ)
    expect(r.content).toBe('fast')
    expect(server.received).toHaveLength(2)
  })

  it('reports a timeout that persists', async () => {
    const { client } = await setup(() => ({ content: 'late', delayMs: 1500 }), { timeoutMs: 100, maxRetries: 1 })
    await expect(client.chat(REQ)).rejects.toThrow(/no answer .* within 0.1 s/)
  })

  it('retries a body that is not a chat completion', async () => {
    const { client } = await setup((_r, n) => (n === 1 ? { rawBody: '<html>proxy error</html>' } : { content: 'ok' }))
    expect((await client.chat(REQ)).content).toBe('ok')
  })

  it('answers a repeated identical request from the cache, and a different one from the server', async () => {
    const cache = new MemoryLlmCache()
    const { client, server } = await setup((r) => ({ content: `t=${r.temperature}` }), { cache })
    expect(await client.chat(REQ)).toMatchObject({ content: 't=0', cached: false })
    expect(await client.chat(REQ)).toEqual({ content: 't=0', cached: true, attempts: 0 })
    expect(await client.chat({ ...REQ, temperature: 0.7 })).toMatchObject({ content: 't=0.7', cached: false })
    expect(server.received).toHaveLength(2)
  })

  it('keeps at most `concurrency` requests in flight', async () => {
    let inFlight = 0
    let peak = 0
    const { client } = await setup(
      () => {
        inFlight++
        peak = Math.max(peak, inFlight)
        return { content: 'x', delayMs: 60 }
      },
      { concurrency: 2 },
    )
    const orig = client.chat.bind(client)
    await Promise.all(Array.from({ length: 6 }, (_, i) => orig({ ...REQ, max_tokens: 10 + i }).then(() => inFlight--)))
    expect(peak).toBeLessThanOrEqual(2)
  })

  it('stops waiting when the stop signal fires', async () => {
    const { client } = await setup(() => ({ content: 'late', delayMs: 2000 }), { sleep: undefined })
    const ctl = new AbortController()
    setTimeout(() => ctl.abort(), 50)
    await expect(client.chat(REQ, ctl.signal)).rejects.toBeInstanceOf(LlmStopped)
  })
})

describe('endpoint, key and helpers', () => {
  it('normalises base URLs and refuses credentials in them', () => {
    expect(normalizeBaseUrl('http://127.0.0.1:11434/v1/')).toBe('http://127.0.0.1:11434/v1')
    expect(normalizeBaseUrl('https://api.openai.com/v1/chat/completions')).toBe('https://api.openai.com/v1')
    expect(() => normalizeBaseUrl('https://user:sk-1@host/v1')).toThrow(/STDD_LLM_API_KEY/)
    expect(() => normalizeBaseUrl('https://host/v1?api-key=sk-1')).toThrow(/STDD_LLM_API_KEY/)
    expect(() => normalizeBaseUrl('localhost:8080')).toThrow(/http or https|not a URL/)
  })

  it('reads the key from STDD_LLM_API_KEY before OPENAI_API_KEY, else from the keychain, and reports only the source', async () => {
    expect(await resolveApiKey({ env: { OPENAI_API_KEY: 'b', STDD_LLM_API_KEY: 'a' }, keychain: false })).toEqual({ key: 'a', source: 'environment (STDD_LLM_API_KEY)' })
    expect(await resolveApiKey({ env: { OPENAI_API_KEY: 'b' }, keychain: false })).toEqual({ key: 'b', source: 'environment (OPENAI_API_KEY)' })
    const calls: string[][] = []
    const fromKeychain = await resolveApiKey({ env: {}, platform: 'linux', exec: async (cmd, args) => (calls.push([cmd, ...args]), 'kc-secret\n') })
    expect(fromKeychain).toEqual({ key: 'kc-secret', source: 'OS keychain (stdd-explorer/llm-api-key)' })
    expect(calls[0]).toEqual(['secret-tool', 'lookup', 'service', 'stdd-explorer', 'account', 'llm-api-key'])
    const none = await resolveApiKey({ env: {}, platform: 'linux', exec: async () => Promise.reject(new Error('no tool')) })
    expect(none.key).toBeNull()
  })

  it('parses Retry-After as seconds or a date', () => {
    expect(retryAfterMs('2')).toBe(2000)
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4000)).toBe(6000)
    expect(retryAfterMs('soon')).toBeNull()
    expect(retryAfterMs(null)).toBeNull()
  })

  it('Limiter rejects a bad limit', () => {
    expect(() => new Limiter(0)).toThrow(/concurrency/)
  })
})
