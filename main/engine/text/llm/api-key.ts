import { execFile } from 'node:child_process'

/** Environment variables read for the API key, in order. */
export const API_KEY_ENV = ['STDD_LLM_API_KEY', 'OPENAI_API_KEY'] as const

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

/**
 * The API key, from the environment, else from the OS keychain (macOS Keychain via `security`,
 * Linux Secret Service via `secret-tool`). Only where it came from is ever reported: the key
 * itself is kept in memory for the Authorization header and never logged or stored.
 */
export async function resolveApiKey(
  opts: { env?: NodeJS.ProcessEnv; keychain?: boolean; platform?: NodeJS.Platform; exec?: ExecText } = {},
): Promise<{ key: string | null; source: string }> {
  const env = opts.env ?? process.env
  for (const name of API_KEY_ENV) {
    const v = env[name]?.trim()
    if (v) return { key: v, source: `environment (${name})` }
  }
  if (opts.keychain !== false) {
    const c = keychainCommand(opts.platform ?? process.platform)
    if (c) {
      try {
        const v = (await (opts.exec ?? execText)(c.cmd, c.args)).trim()
        if (v) return { key: v, source: `OS keychain (${KEYCHAIN_SERVICE}/${KEYCHAIN_ACCOUNT})` }
      } catch {
        // no keychain tool or no entry: fall through
      }
    }
  }
  return { key: null, source: 'none (local endpoints need none; otherwise set STDD_LLM_API_KEY)' }
}
