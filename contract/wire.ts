import type { CommandName, EventName } from './channels'
import { ContractError, isContractErrorData, type ContractErrorData } from './errors'

/**
 * Messages that carry the contract over a byte or message channel: the WebSocket of the headless
 * server, the Electron IPC bridge and the engine's child process all use these.
 */
export interface WireInvoke {
  type: 'invoke'
  id: number
  command: string
  input: unknown
}
export type WireResult =
  | { type: 'result'; id: number; ok: true; value: unknown }
  | { type: 'result'; id: number; ok: false; error: ContractErrorData }
export interface WireEvent {
  type: 'event'
  event: EventName
  payload: unknown
}
export type WireFromEngine = WireResult | WireEvent

export function isWireInvoke(m: unknown): m is WireInvoke {
  if (typeof m !== 'object' || m === null) return false
  const v = m as Record<string, unknown>
  return v.type === 'invoke' && typeof v.id === 'number' && typeof v.command === 'string'
}

/**
 * Client half of the wire: numbers requests, matches results, fans events out to listeners.
 * `send` hands a message to the transport; feed every message from the other side to `receive`.
 */
export class WireClient {
  private nextId = 1
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()
  private readonly listeners = new Map<string, Set<(payload: unknown) => void>>()

  constructor(private readonly send: (message: WireInvoke) => void) {}

  invoke(command: CommandName, input: unknown): Promise<unknown> {
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject })
      try {
        this.send({ type: 'invoke', id, command, input })
      } catch (err) {
        this.pending.delete(id)
        reject(err instanceof Error ? err : new Error(String(err)))
      }
    })
  }

  on(event: EventName, listener: (payload: unknown) => void): () => void {
    let set = this.listeners.get(event)
    if (!set) this.listeners.set(event, (set = new Set()))
    set.add(listener)
    return () => set.delete(listener)
  }

  receive(message: unknown): void {
    if (typeof message !== 'object' || message === null) return
    const m = message as WireFromEngine
    if (m.type === 'event') {
      for (const l of this.listeners.get(m.event) ?? []) l(m.payload)
    } else if (m.type === 'result') {
      const p = this.pending.get(m.id)
      if (!p) return
      this.pending.delete(m.id)
      if (m.ok) p.resolve(m.value)
      else p.reject(isContractErrorData(m.error) ? ContractError.fromData(m.error) : new ContractError('internal', 'malformed error from engine'))
    }
  }

  /** Rejects every request still waiting, e.g. when the connection or the engine process is gone. */
  failAll(error: ContractError): void {
    for (const p of this.pending.values()) p.reject(error)
    this.pending.clear()
  }

  get pendingCount(): number {
    return this.pending.size
  }
}
