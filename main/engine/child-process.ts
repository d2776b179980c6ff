import { fork, type ChildProcess } from 'node:child_process'
import type { EngineOptions } from './engine'
import { HostLink } from './host-link'
import type { EngineProcess } from './supervised-engine'

export interface ChildEngineOptions {
  /** The engine host script: `out/main/engine-host.js` when built, `main/engine/host.ts` under tsx. */
  hostPath: string
  engine: Omit<EngineOptions, 'echoLog'>
  execArgv?: string[]
  /** How long the engine may take to open its database before start-up fails. */
  startTimeoutMs?: number
}

/**
 * The engine in a child process (headless server; the Electron face does the same with
 * `utilityProcess`). Training in the child never blocks the face's event loop.
 */
export function startChildEngine(opts: ChildEngineOptions): Promise<EngineProcess & { child: ChildProcess }> {
  const child = fork(opts.hostPath, [JSON.stringify(opts.engine)], { execArgv: opts.execArgv ?? [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const link = new HostLink((m) => child.send(m))
  const timeoutMs = opts.startTimeoutMs ?? 30_000
  const exited = new Promise<string>((done) => child.once('exit', (code, signal) => done(signal ?? `code ${code}`)))
  const connection = {
    child,
    exited,
    interruptedAtStart: [] as number[],
    invoke: (command: string, input: unknown) => link.invoke(command, input),
    onEvent: link.onEvent.bind(link),
    close: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null || child.signalCode !== null) return done()
        child.once('exit', () => done())
        child.kill('SIGTERM')
        setTimeout(() => child.kill('SIGKILL'), 5000).unref()
      }),
  }
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`the engine process did not start within ${timeoutMs} ms`))
    }, timeoutMs)
    child.on('message', (m: unknown) => {
      const status = link.receive(m)
      if (!status) return
      clearTimeout(timer)
      if (status.type === 'ready') resolve({ ...connection, interruptedAtStart: status.interruptedRunIds })
      else reject(new Error(`the engine could not start: ${status.message}`))
    })
    child.on('exit', (code, signal) => {
      clearTimeout(timer)
      link.exited(signal ?? `code ${code}`)
      reject(new Error(`the engine process exited during start-up (${signal ?? `code ${code}`})`))
    })
  })
}
