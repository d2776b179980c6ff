import { call, type CommandInput, type CommandName, type CommandOutput, type EventName, type EventPayload, type StddBridge } from '../../contract/api-runtime'
import { createSocketBridge, type SocketState } from './socket-bridge'
import { ref } from 'vue'

/** State of the link to the engine: always open in Electron, the socket's state in a browser. */
export const linkState = ref<SocketState>('open')

function installBridge(): StddBridge {
  if (window.api) return window.api
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws'
  window.api = createSocketBridge(`${scheme}://${location.host}/ws`, (s) => (linkState.value = s))
  return window.api
}

const bridge = installBridge()

/** Runs a command; a failure comes back as a ContractError with the engine's message and fields. */
export function invoke<C extends CommandName>(command: C, input: CommandInput<C>): Promise<CommandOutput<C>> {
  return call(bridge, command, input)
}

export function onEvent<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
  return bridge.on(event, listener)
}

export const transport = bridge.transport
