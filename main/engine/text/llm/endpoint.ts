/** Whether `hostname` (as `URL` gives it) is this machine: `localhost`, 127.0.0.0/8 or ::1. */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)
}

/**
 * The base URL of an OpenAI-compatible endpoint, e.g. `https://api.openai.com/v1`,
 * `http://127.0.0.1:8000/v1` (vLLM), `http://127.0.0.1:8080/v1` (llama.cpp), `http://127.0.0.1:11434/v1` (Ollama).
 * Plain http is refused except to this machine: prompts and answers (and a key) would cross the network in clear.
 */
export function normalizeBaseUrl(raw: string): string {
  let url: URL
  try {
    url = new URL(raw.trim())
  } catch {
    throw new Error(`"${raw}" is not a URL; give the endpoint's base URL, e.g. http://127.0.0.1:11434/v1 or https://api.openai.com/v1`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`endpoint "${raw}" must be http or https`)
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new Error(`endpoint "${raw}" uses plain http to another machine; use https, or an ssh tunnel to a port on 127.0.0.1 (plain http is allowed only to this machine)`)
  }
  if (url.username || url.password) throw new Error('do not put credentials in the endpoint URL; set STDD_LLM_API_KEY (or OPENAI_API_KEY) instead')
  if ([...url.searchParams.keys()].length) throw new Error('do not put query parameters (API keys) in the endpoint URL; set STDD_LLM_API_KEY (or OPENAI_API_KEY) instead')
  return url.toString().replace(/\/+$/, '').replace(/\/chat\/completions$/, '')
}

/** Whether two endpoint URLs share scheme, host and port: the boundary an API key is bound to. */
export function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin
  } catch {
    return false
  }
}

export function chatCompletionsUrl(baseUrl: string): string {
  return `${baseUrl}/chat/completions`
}
