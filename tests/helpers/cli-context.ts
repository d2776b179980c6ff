import type { CliContext } from '../../main/cli/types'

/** A CLI context that records what a command prints, with no UI build or engine host to find. */
export function cliContext(): { ctx: CliContext; out: string[]; err: string[] } {
  const out: string[] = []
  const err: string[] = []
  const ctx: CliContext = {
    io: { out: (t) => out.push(t), err: (t) => err.push(t) },
    rendererDir: '/nonexistent/renderer',
    engineHost: { hostPath: '/nonexistent/host.js', execArgv: [] },
    stopSignal: new Promise(() => undefined),
  }
  return { ctx, out, err }
}
