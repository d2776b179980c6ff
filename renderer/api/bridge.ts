import { call, type CommandInput, type CommandName, type CommandOutput, type EventName, type EventPayload, type StddBridge } from '../../contract/api-runtime'
import { createSocketBridge, type SocketState } from './socket-bridge'
import { ref } from 'vue'

/** State of the link to the engine: always open in Electron, the socket's state in a browser. */
export const linkState = ref<SocketState>('open')

const reconnectListeners = new Set<() => void>()
let wasClosed = false

/** Follows the socket's state; an `open` after a `closed` is a reconnect: events may have been missed. */
export function setLinkState(s: SocketState): void {
  linkState.value = s
  if (s === 'closed') wasClosed = true
  if (s === 'open' && wasClosed) {
    wasClosed = false
    for (const l of reconnectListeners) l()
  }
}

function installBridge(): StddBridge {
  if (window.api) return window.api
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws'
  window.api = createSocketBridge(`${scheme}://${location.host}/ws`, setLinkState)
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

/** Calls `listener` each time the link to the engine comes back after a loss (stores reload what they show). */
export function onReconnect(listener: () => void): () => void {
  reconnectListeners.add(listener)
  return () => reconnectListeners.delete(listener)
}

/** The server's binary route for an artifact (authorised by the page's cookie). */
const artifactUrl = (id: number): string => `/api/artifacts/${id}`

function fromBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0))
}

/**
 * An artifact's bytes: over `stdd serve`'s `/api/artifacts/<id>` route as binary in a browser, or
 * in Electron as base64 through the contract. Stores call this and never look at the transport.
 */
export async function readArtifact(id: number): Promise<Uint8Array> {
  if (transport === 'electron') return fromBase64((await invoke('artifacts.read', { id })).base64)
  const res = await fetch(artifactUrl(id), { credentials: 'same-origin' })
  if (!res.ok) throw new Error(`artifact ${id}: ${res.status} ${(await res.text()).trim()}`)
  return new Uint8Array(await res.arrayBuffer())
}
