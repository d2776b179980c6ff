import { ContractError, WireClient, type CommandName, type EventName, type WireInvoke } from '../../contract'
import type { EngineConnection } from './connection'

/** What an engine host (main/engine/host.ts) says besides results and events. */
export type HostStatus = { type: 'ready'; interruptedRunIds: number[] } | { type: 'fatal'; message: string }

/**
 * The parent's side of an engine host process, whatever carries the messages (Electron's
 * utilityProcess or Node's child_process): numbers requests, routes results and events, and fails
 * waiting callers when the process exits.
 */
export class HostLink implements Omit<EngineConnection, 'close'> {
  private alive = true
  private readonly wire: WireClient
  private readonly listeners = new Set<(event: EventName, payload: unknown) => void>()

  constructor(post: (message: WireInvoke) => void) {
    this.wire = new WireClient((m) => {
      if (!this.alive) throw new ContractError('unavailable', 'the engine process is not running')
      post(m)
    })
  }

  /** Feeds one message from the host; returns its status message, if it was one. */
  receive(message: unknown): HostStatus | null {
    const m = message as { type?: string; message?: string; event?: EventName; payload?: unknown }
    if (m.type === 'ready') return { type: 'ready', interruptedRunIds: Array.isArray((m as { interruptedRunIds?: unknown }).interruptedRunIds) ? ((m as { interruptedRunIds: number[] }).interruptedRunIds) : [] }
    if (m.type === 'fatal') return { type: 'fatal', message: String(m.message) }
    if (m.type === 'event') for (const l of this.listeners) l(m.event!, m.payload)
    this.wire.receive(message)
    return null
  }

  exited(how: string): void {
    this.alive = false
    this.wire.failAll(new ContractError('unavailable', `the engine process exited (${how})`))
  }

  get isAlive(): boolean {
    return this.alive
  }

  invoke(command: CommandName | string, input: unknown): Promise<unknown> {
    return this.wire.invoke(command as CommandName, input)
  }

  onEvent(listener: (event: EventName, payload: unknown) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }
}
