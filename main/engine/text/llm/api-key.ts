import { execFile } from 'node:child_process'
import { normalizeBaseUrl } from './endpoint'

/** The endpoint `STDD_LLM_API_KEY` and the keychain's key are for; the key is sent to no other. */
export const API_KEY_ENDPOINT_ENV = 'STDD_LLM_ENDPOINT'
/** `OPENAI_API_KEY` is for OpenAI, or for `OPENAI_BASE_URL` where that is set (as OpenAI's own clients read it). */
const OPENAI_DEFAULT_ENDPOINT = 'https://api.openai.com/v1'

/** An API key and the endpoint it was configured for: the client sends it to that origin (scheme, host, port) only. */
export interface BoundApiKey {
  key: string
  endpoint: string
}

/** The OS keychain entry: service and account. */
export const KEYCHAIN_SERVICE = 'stdd-explorer'
export const KEYCHAIN_ACCOUNT = 'llm-api-key'

export type ExecText = (cmd: string, args: string[]) => Promise<string>

const execText: ExecText = (cmd, args) =>
  new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: 5000, windowsHide: true }, (err, stdout) => (err ? reject(err) : resolve(String(stdout))))
  })

/** The command that prints the key stored in the OS keychain, or null where none is known. */
export function keychainCommand(platform: NodeJS.Platform): { cmd: string; args: string[] } | null {
  if (platform === 'darwin') return { cmd: 'security', args: ['find-generic-password', '-s', KEYCHAIN_SERVICE, '-a', KEYCHAIN_ACCOUNT, '-w'] }
  if (platform === 'linux') return { cmd: 'secret-tool', args: ['lookup', 'service', KEYCHAIN_SERVICE, 'account', KEYCHAIN_ACCOUNT] }
  return null
}

export interface ResolvedApiKey {
  /** The key with its endpoint, or null when there is none or it is bound to no valid endpoint (then it is never sent). */
  key: BoundApiKey | null
  /** Where the key came from and which endpoint it is bound to; never the key itself. */
  source: string
}

function bind(key: string, from: string, endpoint: string | undefined, variable: string): ResolvedApiKey {
  if (!endpoint) return { key: null, source: `${from}, not sent anywhere: set ${variable} to the endpoint's base URL it is for` }
  try {
    const bound = normalizeBaseUrl(endpoint)
    return { key: { key, endpoint: bound }, source: `${from}, sent only to ${new URL(bound).origin}` }
  } catch (err) {
    return { key: null, source: `${from}, not sent anywhere: ${variable} is not a usable endpoint (${(err as Error).message})` }
  }
}

/**
 * The API key, from the environment, else from the OS keychain (macOS Keychain via `security`,
 * Linux Secret Service via `secret-tool`), bound to the endpoint it was configured for:
 * `STDD_LLM_API_KEY` and the keychain's key to `STDD_LLM_ENDPOINT`, `OPENAI_API_KEY` to
 * `OPENAI_BASE_URL` or OpenAI. Only where it came from is ever reported: the key itself is kept in
 * memory for the Authorization header and never logged or stored.
 */
export async function resolveApiKey(opts: { env?: NodeJS.ProcessEnv; keychain?: boolean; platform?: NodeJS.Platform; exec?: ExecText } = {}): Promise<ResolvedApiKey> {
  const env = opts.env ?? process.env
  const stddKey = env.STDD_LLM_API_KEY?.trim()
  if (stddKey) return bind(stddKey, 'environment (STDD_LLM_API_KEY)', env[API_KEY_ENDPOINT_ENV]?.trim(), API_KEY_ENDPOINT_ENV)
  const openAiKey = env.OPENAI_API_KEY?.trim()
  if (openAiKey) return bind(openAiKey, 'environment (OPENAI_API_KEY)', env.OPENAI_BASE_URL?.trim() || OPENAI_DEFAULT_ENDPOINT, 'OPENAI_BASE_URL')
  if (opts.keychain !== false) {
    const c = keychainCommand(opts.platform ?? process.platform)
    if (c) {
      try {
        const v = (await (opts.exec ?? execText)(c.cmd, c.args)).trim()
        if (v) return bind(v, `OS keychain (${KEYCHAIN_SERVICE}/${KEYCHAIN_ACCOUNT})`, env[API_KEY_ENDPOINT_ENV]?.trim(), API_KEY_ENDPOINT_ENV)
      } catch {
        // no keychain tool or no entry: fall through
      }
    }
  }
  return { key: null, source: 'none (local endpoints need none; otherwise set STDD_LLM_API_KEY and STDD_LLM_ENDPOINT)' }
}
