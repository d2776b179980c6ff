/**
 * Entry of the engine process: Electron starts it with `utilityProcess.fork`, the headless server
 * and the CLI with `child_process.fork`. It speaks the wire protocol of `contract/wire.ts` with its
 * parent over the process's message port, and exits when the parent goes away.
 */
import { ContractError, isWireInvoke, type WireFromEngine } from '../../contract'
import { Engine, type EngineOptions } from './engine'

interface MessagePortLike {
  postMessage(message: unknown): void
  on(event: 'message', listener: (e: { data: unknown }) => void): void
}

type HostMessage = WireFromEngine | { type: 'ready'; interruptedRunIds: number[] } | { type: 'fatal'; message: string }

function connectToParent(): { post(m: HostMessage): void; onMessage(cb: (m: unknown) => void): void } {
  const parentPort = (process as unknown as { parentPort?: MessagePortLike }).parentPort
  if (parentPort) {
    return { post: (m) => parentPort.postMessage(m), onMessage: (cb) => parentPort.on('message', (e) => cb(e.data)) }
  }
  if (process.send) {
    const send = process.send.bind(process)
    process.on('disconnect', () => process.exit(0))
    return { post: (m) => void send(m), onMessage: (cb) => process.on('message', cb) }
  }
  throw new Error('the engine host must be started by Electron (utilityProcess.fork) or child_process.fork')
}

function toErrorData(err: unknown): ContractError {
  if (err instanceof ContractError) return err
  return new ContractError('internal', err instanceof Error ? err.message : String(err))
}

async function main(): Promise<void> {
  const parent = connectToParent()
  const opts = JSON.parse(process.argv[2] ?? '{}') as EngineOptions
  let engine: Engine
  try {
    engine = await Engine.start(opts)
  } catch (err) {
    parent.post({ type: 'fatal', message: err instanceof Error ? err.message : String(err) })
    process.exit(1)
  }
  engine.subscribe((event, payload) => parent.post({ type: 'event', event, payload }))
  engine.whenBackendReady().catch(() => undefined) // logged and emitted by the engine itself
  parent.onMessage((m) => {
    if (!isWireInvoke(m)) return
    engine.invoke(m.command, m.input).then(
      (value) => parent.post({ type: 'result', id: m.id, ok: true, value }),
      (err: unknown) => parent.post({ type: 'result', id: m.id, ok: false, error: toErrorData(err).toData() }),
    )
  })
  const shutdown = (): void => {
    engine.close()
    process.exit(0)
  }
  process.on('SIGTERM', shutdown)
  process.on('SIGINT', shutdown)
  parent.post({ type: 'ready', interruptedRunIds: engine.interruptedAtStart })
}

void main()
