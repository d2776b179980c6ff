import { cacheKey, type LlmCache } from './cache'
import type { BoundApiKey } from './api-key'
import { chatCompletionsUrl, normalizeBaseUrl, sameOrigin } from './endpoint'
import { Limiter } from './limiter'
import { LlmError, LlmStopped, type ChatRequest, type ChatResult, type LlmEvent } from './types'

export interface LlmClientOptions {
  /** Base URL of an OpenAI-compatible endpoint (`…/v1`). */
  baseUrl: string
  /**
   * Sent as `Authorization: Bearer …` only when `baseUrl` has the origin (scheme, host, port) the key
   * is bound to; never to another endpoint, and never logged, stored or cached.
   */
  apiKey?: BoundApiKey | null
  /** Per-attempt timeout (default 60 s). */
  timeoutMs?: number
  /** Retries after the first attempt on 429, 5xx, timeouts and connection errors (default 5). */
  maxRetries?: number
  /** Exponential backoff: base·2^attempt, capped, with jitter (defaults 1 s and 60 s). */
  backoffBaseMs?: number
  backoffMaxMs?: number
  /** Requests in flight at once (default 4). */
  concurrency?: number
  cache?: LlmCache | null
  onEvent?: (e: LlmEvent) => void
  fetch?: typeof fetch
  /** For tests: the jitter source and the wait. */
  random?: () => number
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new LlmStopped())
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    const onAbort = (): void => {
      clearTimeout(t)
      reject(new LlmStopped())
    }
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

/** Seconds or an HTTP date, in ms; null when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | null {
  if (!header) return null
  const s = Number(header)
  if (Number.isFinite(s)) return Math.max(0, s * 1000)
  const d = Date.parse(header)
  return Number.isNaN(d) ? null : Math.max(0, d - now)
}

/** The largest answer body read from an endpoint: far above any chat completion of `max_tokens` ≤ 32768. */
export const MAX_ANSWER_BYTES = 4 << 20

/** Reads a response body as text, stopping (and cancelling the rest) past `maxBytes`. */
async function readBounded(res: Response, maxBytes: number, baseUrl: string): Promise<string> {
  if (!res.body) return ''
  const reader = res.body.getReader()
  const chunks: Uint8Array[] = []
  let total = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    total += value.byteLength
    if (total > maxBytes) {
      await reader.cancel()
      throw new LlmError(`the answer from ${baseUrl} is larger than ${maxBytes} bytes; lower max_tokens or check the endpoint`, false, res.status)
    }
    chunks.push(value)
  }
  return Buffer.concat(chunks).toString('utf8')
}

/** A client for one OpenAI-compatible chat-completions endpoint, with timeouts, retries, a concurrency limit and a cache. */
export class LlmClient {
  readonly baseUrl: string
  /** The key sent to this endpoint, or null (none, or bound to another endpoint). */
  private readonly authorization: string | null
  /** The origin of a key that exists but is bound elsewhere (for the 401 hint), or null. */
  private readonly withheldKeyOrigin: string | null
  private readonly limiter: Limiter
  private readonly o: Required<Omit<LlmClientOptions, 'apiKey' | 'cache' | 'onEvent'>> & Pick<LlmClientOptions, 'apiKey' | 'cache' | 'onEvent'>

  constructor(opts: LlmClientOptions) {
    this.baseUrl = normalizeBaseUrl(opts.baseUrl)
    this.o = {
      timeoutMs: 60_000,
      maxRetries: 5,
      backoffBaseMs: 1000,
      backoffMaxMs: 60_000,
      concurrency: 4,
      fetch: globalThis.fetch.bind(globalThis),
      random: Math.random,
      sleep: abortableSleep,
      ...(Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)) as LlmClientOptions),
      baseUrl: this.baseUrl,
    }
    this.limiter = new Limiter(this.o.concurrency)
    const key = opts.apiKey ?? null
    this.authorization = key && sameOrigin(key.endpoint, this.baseUrl) ? key.key : null
    this.withheldKeyOrigin = key && !this.authorization ? new URL(key.endpoint).origin : null
  }

  /** Sends one request (or answers it from the cache). Throws LlmError when it cannot get an answer, LlmStopped on stop. */
  async chat(request: ChatRequest, signal?: AbortSignal): Promise<ChatResult> {
    const key = cacheKey(this.baseUrl, request)
    const hit = this.o.cache?.get(key)
    if (hit !== undefined) {
      this.o.onEvent?.({ type: 'cache-hit', key })
      return { content: hit, cached: true, attempts: 0 }
    }
    const { content, attempts } = await this.limiter.run(() => this.withRetries(request, signal))
    this.o.cache?.set(key, { baseUrl: this.baseUrl, request }, content)
    return { content, cached: false, attempts }
  }

  private backoff(attempt: number): number {
    const base = Math.min(this.o.backoffMaxMs, this.o.backoffBaseMs * 2 ** attempt)
    return Math.round(base * (0.5 + 0.5 * this.o.random()))
  }

  private async withRetries(request: ChatRequest, signal?: AbortSignal): Promise<{ content: string; attempts: number }> {
    for (let attempt = 0; ; attempt++) {
      if (signal?.aborted) throw new LlmStopped()
      this.o.onEvent?.({ type: 'request', attempt: attempt + 1, model: request.model })
      try {
        return { content: await this.once(request, signal), attempts: attempt + 1 }
      } catch (err) {
        if (err instanceof LlmStopped || signal?.aborted) throw new LlmStopped()
        const e = err instanceof LlmError ? err : new LlmError(String(err), true)
        if (!e.retryable || attempt >= this.o.maxRetries) {
          throw new LlmError(`${e.message}${e.retryable ? ` (gave up after ${attempt + 1} attempts)` : ''}`, e.retryable, e.status)
        }
        const wait = Math.min(this.o.backoffMaxMs, e.retryAfterMs ?? this.backoff(attempt))
        this.o.onEvent?.({ type: 'retry', attempt: attempt + 1, delayMs: wait, reason: e.message })
        await this.o.sleep(wait, signal)
      }
    }
  }

  private async once(request: ChatRequest, signal?: AbortSignal): Promise<string> {
    const timeout = AbortSignal.timeout(this.o.timeoutMs)
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout
    const headers: Record<string, string> = { 'content-type': 'application/json' }
    if (this.authorization) headers.authorization = `Bearer ${this.authorization}`
    let res: Response
    let body: string
    try {
      res = await this.o.fetch(chatCompletionsUrl(this.baseUrl), { method: 'POST', headers, body: JSON.stringify(request), signal: combined })
      body = await readBounded(res, MAX_ANSWER_BYTES, this.baseUrl)
    } catch (err) {
      if (err instanceof LlmError) throw err
      if (signal?.aborted) throw new LlmStopped()
      if (timeout.aborted) throw new LlmError(`no answer from ${this.baseUrl} within ${this.o.timeoutMs / 1000} s`, true)
      const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message
      throw new LlmError(`cannot reach ${this.baseUrl} (${cause})`, true)
    }
    if (!res.ok) {
      const snippet = body.slice(0, 300).replace(/\s+/g, ' ')
      const retryable = res.status === 429 || res.status >= 500 || res.status === 408
      const withheld = this.withheldKeyOrigin ? `; the API key is bound to ${this.withheldKeyOrigin} and was not sent here (set STDD_LLM_ENDPOINT to this endpoint if the key is for it)` : ''
      const hint = res.status === 401 || res.status === 403 ? withheld || '; check STDD_LLM_API_KEY / OPENAI_API_KEY' : res.status === 404 ? '; check the base URL (it usually ends in /v1) and the model name' : ''
      throw new LlmError(`HTTP ${res.status} from ${this.baseUrl}: ${snippet}${hint}`, retryable, res.status, retryAfterMs(res.headers.get('retry-after')))
    }
    let content: unknown
    try {
      content = (JSON.parse(body) as { choices?: { message?: { content?: unknown } }[] }).choices?.[0]?.message?.content
    } catch {
      throw new LlmError(`the answer from ${this.baseUrl} is not JSON: ${body.slice(0, 200)}`, true, res.status)
    }
    if (typeof content !== 'string') throw new LlmError(`the answer from ${this.baseUrl} has no choices[0].message.content`, true, res.status)
    return content
  }
}
