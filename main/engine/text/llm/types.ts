/** The subset of the OpenAI chat-completions API that OpenAI, vLLM, llama.cpp server and Ollama all serve. */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant'
  content: string
}

export interface ChatRequest {
  model: string
  messages: ChatMessage[]
  temperature: number
  max_tokens: number
  top_p?: number
}

export interface ChatResult {
  content: string
  /** Whether the answer came from the request cache (no request was sent). */
  cached: boolean
  /** HTTP attempts made (0 when cached). */
  attempts: number
}

/** What the client reports while it works; never contains the API key or headers. */
export type LlmEvent =
  | { type: 'request'; attempt: number; model: string }
  | { type: 'retry'; attempt: number; delayMs: number; reason: string }
  | { type: 'cache-hit'; key: string }

export class LlmError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly status: number | null = null,
    /** The server's Retry-After, in ms. */
    readonly retryAfterMs: number | null = null,
  ) {
    super(message)
    this.name = 'LlmError'
  }
}

/** Raised when the caller's stop signal fires. */
export class LlmStopped extends Error {
  constructor() {
    super('stopped')
    this.name = 'LlmStopped'
  }
}
