import type { CommandName, EventName, StddBridge } from '../../contract/api-runtime'

/** A stand-in for window.api: canned replies per command, and a way to push events. */
export function fakeBridge(replies: Partial<Record<CommandName, unknown>>): StddBridge & { emit(event: EventName, payload: unknown): void; calls: string[] } {
  const listeners = new Map<string, Set<(p: unknown) => void>>()
  const calls: string[] = []
  return {
    transport: 'websocket',
    calls,
    invoke: async (command) => {
      calls.push(command)
      return command in replies ? { ok: true, value: replies[command] as never } : { ok: false, error: { code: 'unknown_command', message: `no reply for ${command}` } }
    },
    on: (event, listener) => {
      if (!listeners.has(event)) listeners.set(event, new Set())
      listeners.get(event)!.add(listener as (p: unknown) => void)
      return () => listeners.get(event)!.delete(listener as (p: unknown) => void)
    },
    emit: (event, payload) => listeners.get(event)?.forEach((l) => l(payload)),
  }
}
