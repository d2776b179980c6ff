import { afterEach, describe, expect, it } from 'vitest'
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { cacheKey, FileLlmCache, MAX_CACHED_ANSWER_CHARS } from '../../../../main/engine/text/llm/cache'
import { MemoryLlmCache } from '../../../helpers/memory-doubles'
import { LlmClient, MAX_ANSWER_BYTES, retryAfterMs, type LlmClientOptions } from '../../../../main/engine/text/llm/client'
import { normalizeBaseUrl } from '../../../../main/engine/text/llm/endpoint'
import { Limiter } from '../../../../main/engine/text/llm/limiter'
import { LlmError, LlmStopped, type ChatRequest, type LlmEvent } from '../../../../main/engine/text/llm/types'
import { resolveApiKey } from '../../../../main/engine/text/llm/api-key'
import { FakeLlmServer, localOnlyFetch, type Reply } from './helpers/fake-llm'
import { tempDir } from '../../../helpers/temp-dir'

const REQ: ChatRequest = { model: 'test-model', messages: [{ role: 'user', content: 'hi' }], temperature: 0, max_tokens: 64 }
let server: FakeLlmServer | null = null

afterEach(async () => {
  await server?.stop()
  server = null
})

async function setup(script: (req: ChatRequest, n: number) => Reply, options: Partial<LlmClientOptions> | ((baseUrl: string) => Partial<LlmClientOptions>) = {}) {
  server = await new FakeLlmServer(script).start()
  const opts = typeof options === 'function' ? options(server.baseUrl) : options
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
    const { client, server } = await setup(() => ({ content: 'hello' }), (baseUrl) => ({ apiKey: { key: 'sk-test-secret', endpoint: baseUrl } }))
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
  it('refuses plain http except to this machine (issue 19, F5)', () => {
    for (const local of ['http://localhost:1/v1', 'http://127.0.0.2:8000/v1', 'http://[::1]:8080/v1']) expect(normalizeBaseUrl(local)).toBe(local)
    for (const remote of ['http://10.0.0.5:8000/v1', 'http://api.example.com/v1', 'http://127.0.0.1.example.com/v1']) {
      expect(() => normalizeBaseUrl(remote)).toThrow(/plain http to another machine; use https, or an ssh tunnel/)
    }
  })

  it('binds a key to the endpoint it was configured for: unbound keys and other endpoints never receive it (issue 19, F5)', async () => {
    expect(await resolveApiKey({ env: { STDD_LLM_API_KEY: 'a' }, keychain: false })).toEqual({ key: null, source: 'environment (STDD_LLM_API_KEY), not sent anywhere: set STDD_LLM_ENDPOINT to the endpoint\'s base URL it is for' })
    expect((await resolveApiKey({ env: { STDD_LLM_API_KEY: 'a', STDD_LLM_ENDPOINT: 'http://evil.example/v1' }, keychain: false })).key).toBeNull()
    // a caller names another endpoint (another port of this machine): the request goes, the key does not
    const { client, server } = await setup(() => ({ status: 401, rawBody: '{"error":"no key"}' }), { apiKey: { key: 'sk-bound-elsewhere', endpoint: 'https://api.openai.com/v1' } })
    await expect(client.chat(REQ)).rejects.toThrow(/HTTP 401.*the API key is bound to https:\/\/api\.openai\.com and was not sent here/)
    expect(server.received[0]!.headers.authorization).toBeUndefined()
    await server.stop()
    const otherPort = await setup(() => ({ content: 'x' }), (baseUrl) => ({ apiKey: { key: 'sk-port', endpoint: baseUrl.replace(/:(\d+)\//, (_m, p: string) => `:${Number(p) + 1}/`) } }))
    await otherPort.client.chat(REQ)
    expect(otherPort.server.received[0]!.headers.authorization).toBeUndefined()
  })

  it('stops reading an answer past the size limit (issue 19, F9)', async () => {
    const { client, server } = await setup(() => ({ content: 'x'.repeat(MAX_ANSWER_BYTES + 10) }))
    await expect(client.chat(REQ)).rejects.toThrow(`is larger than ${MAX_ANSWER_BYTES} bytes; lower max_tokens`)
    expect(server.received).toHaveLength(1) // not retried
  })

  it('keeps the answer cache under its size bound, oldest entries out first, and never caches a huge answer (issue 19, F9)', () => {
    const dir = tempDir()
    try {
      const cache = new FileLlmCache(join(dir.path, 'cache'), 4000)
      const folderBytes = (): number => readdirSync(join(dir.path, 'cache'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).reduce((n, e) => n + statSync(join(e.parentPath, e.name)).size, 0)
      const requests = Array.from({ length: 12 }, (_, i) => ({ ...REQ, max_tokens: i + 1 }))
      for (const r of requests) cache.set(cacheKey('u', r), { baseUrl: 'u', request: r }, 'a'.repeat(600))
      expect(folderBytes()).toBeLessThanOrEqual(4000)
      expect(cache.get(cacheKey('u', requests[11]!))).toBe('a'.repeat(600))
      expect(cache.get(cacheKey('u', requests[0]!))).toBeUndefined()
      const huge = { ...REQ, max_tokens: 99 }
      new FileLlmCache(join(dir.path, 'cache')).set(cacheKey('u', huge), { baseUrl: 'u', request: huge }, 'b'.repeat(MAX_CACHED_ANSWER_CHARS + 1))
      expect(cache.get(cacheKey('u', huge))).toBeUndefined()
    } finally {
      dir.remove()
    }
  })

  it('normalises base URLs and refuses credentials in them', () => {
    expect(normalizeBaseUrl('http://127.0.0.1:11434/v1/')).toBe('http://127.0.0.1:11434/v1')
    expect(normalizeBaseUrl('https://api.openai.com/v1/chat/completions')).toBe('https://api.openai.com/v1')
    expect(() => normalizeBaseUrl('https://user:sk-1@host/v1')).toThrow(/STDD_LLM_API_KEY/)
    expect(() => normalizeBaseUrl('https://host/v1?api-key=sk-1')).toThrow(/STDD_LLM_API_KEY/)
    expect(() => normalizeBaseUrl('localhost:8080')).toThrow(/http or https|not a URL/)
  })

  it('reads the key from STDD_LLM_API_KEY before OPENAI_API_KEY, else from the keychain, and reports only the source', async () => {
    const local = 'http://127.0.0.1:8000/v1'
    expect(await resolveApiKey({ env: { OPENAI_API_KEY: 'b', STDD_LLM_API_KEY: 'a', STDD_LLM_ENDPOINT: local }, keychain: false })).toEqual({
      key: { key: 'a', endpoint: local },
      source: 'environment (STDD_LLM_API_KEY), sent only to http://127.0.0.1:8000',
    })
    expect(await resolveApiKey({ env: { OPENAI_API_KEY: 'b' }, keychain: false })).toEqual({ key: { key: 'b', endpoint: 'https://api.openai.com/v1' }, source: 'environment (OPENAI_API_KEY), sent only to https://api.openai.com' })
    const calls: string[][] = []
    const fromKeychain = await resolveApiKey({ env: { STDD_LLM_ENDPOINT: local }, platform: 'linux', exec: async (cmd, args) => (calls.push([cmd, ...args]), 'kc-secret\n') })
    expect(fromKeychain).toEqual({ key: { key: 'kc-secret', endpoint: local }, source: 'OS keychain (stdd-explorer/llm-api-key), sent only to http://127.0.0.1:8000' })
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
