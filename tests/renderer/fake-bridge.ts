import type { CommandInput, CommandName, CommandOutput, EventName, EventPayload, StddBridge } from '../../contract/api-runtime'

/** A canned reply per command, type-checked against the contract: a value, or a function of the input. */
export type FakeReplies = { [C in CommandName]?: CommandOutput<C> | ((input: CommandInput<C>) => CommandOutput<C>) }

export interface FakeBridge extends StddBridge {
  /** Pushes an event to the renderer's listeners, type-checked against the contract. */
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void
  /** Every command the renderer invoked, in order, with its input. */
  calls: { command: CommandName; input: unknown }[]
}

/** A stand-in for window.api: canned replies per command, and a way to push events. */
export function fakeBridge(replies: FakeReplies): FakeBridge {
  const listeners = new Map<string, Set<(p: unknown) => void>>()
  const calls: FakeBridge['calls'] = []
  return {
    transport: 'websocket',
    calls,
    invoke: async (command, input) => {
      calls.push({ command, input })
      const reply = replies[command] as unknown
      if (reply === undefined) return { ok: false, error: { code: 'unknown_command', message: `no reply for ${command}` } }
      const value = typeof reply === 'function' ? (reply as (i: unknown) => unknown)(input) : reply
      return { ok: true, value: value as never }
    },
    on: (event, listener) => {
      if (!listeners.has(event)) listeners.set(event, new Set())
      listeners.get(event)!.add(listener as (p: unknown) => void)
      return () => listeners.get(event)!.delete(listener as (p: unknown) => void)
    },
    emit: (event, payload) => listeners.get(event)?.forEach((l) => l(payload)),
  }
}
