import { fork, type ChildProcess } from 'node:child_process'
import { ContractError, WireClient, type CommandName, type EventName } from '../../contract'
import type { EngineConnection } from './connection'
import type { EngineOptions } from './engine'

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
export function startChildEngine(opts: ChildEngineOptions): Promise<EngineConnection & { child: ChildProcess }> {
  const child = fork(opts.hostPath, [JSON.stringify(opts.engine)], {
    execArgv: opts.execArgv ?? [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const wire = new WireClient((m) => {
    if (!child.connected) throw new ContractError('unavailable', 'the engine process is not running')
    child.send(m)
  })
  const allListeners = new Set<(event: EventName, payload: unknown) => void>()
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`the engine process did not start within ${opts.startTimeoutMs ?? 30_000} ms`))
    }, opts.startTimeoutMs ?? 30_000)
    child.on('message', (m: unknown) => {
      const msg = m as { type?: string; message?: string; event?: EventName; payload?: unknown }
      if (msg.type === 'ready') {
        clearTimeout(timer)
        resolve(connection)
      } else if (msg.type === 'fatal') {
        clearTimeout(timer)
        reject(new Error(`the engine could not start: ${msg.message}`))
      } else {
        if (msg.type === 'event') for (const l of allListeners) l(msg.event!, msg.payload)
        wire.receive(m)
      }
    })
    child.on('exit', (code, signal) => {
      clearTimeout(timer)
      wire.failAll(new ContractError('unavailable', `the engine process exited (${signal ?? `code ${code}`})`))
      reject(new Error(`the engine process exited during start-up (${signal ?? `code ${code}`})`))
    })
    const connection = {
      child,
      invoke: (command: CommandName | string, input: unknown) => wire.invoke(command as CommandName, input),
      onEvent: (listener: (event: EventName, payload: unknown) => void) => {
        allListeners.add(listener)
        return () => allListeners.delete(listener)
      },
      close: () =>
        new Promise<void>((done) => {
          if (child.exitCode !== null || child.signalCode !== null) return done()
          child.once('exit', () => done())
          child.kill('SIGTERM')
          setTimeout(() => child.kill('SIGKILL'), 5000).unref()
        }),
    }
  })
}
