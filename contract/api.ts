import type { CommandName, EventName } from './channels'
import type { CommandInput, CommandOutput, EventPayload } from './commands'
import { ContractError, type ContractErrorData } from './errors'

/** A command's reply as it crosses a boundary: errors travel as data (Electron's bridge drops error fields). */
export type InvokeReply<T = unknown> = { ok: true; value: T } | { ok: false; error: ContractErrorData }

/**
 * `window.api`: the preload bridge in Electron, a WebSocket client in a browser. Both implement
 * exactly this type, so the renderer cannot tell them apart.
 */
export interface StddBridge {
  readonly transport: 'electron' | 'websocket'
  invoke<C extends CommandName>(command: C, input: CommandInput<C>): Promise<InvokeReply<CommandOutput<C>>>
  /** Subscribes to an event; returns the function that unsubscribes. */
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void
}

/** Calls a command through a bridge, turning an error reply back into a {@link ContractError}. */
export async function call<C extends CommandName>(bridge: StddBridge, command: C, input: CommandInput<C>): Promise<CommandOutput<C>> {
  const reply = await bridge.invoke(command, input)
  if (reply.ok) return reply.value
  throw ContractError.fromData(reply.error)
}

export function toReply(err: unknown): InvokeReply<never> {
  const e = err instanceof ContractError ? err : new ContractError('internal', err instanceof Error ? err.message : String(err))
  return { ok: false, error: e.toData() }
}
