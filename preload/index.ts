/**
 * The preload: the only bridge between the untrusted page and the main process. It exposes
 * `window.api` (the contract's {@link StddBridge}) and nothing else: no ipcRenderer, no Node.
 */
import { contextBridge, ipcRenderer } from 'electron'
import { isCommandName, isEventName, toReply, ContractError, type EventName, type InvokeReply, type StddBridge } from '../contract/api-runtime'

const INVOKE_CHANNEL = 'stdd:invoke'
const EVENT_CHANNEL = 'stdd:event'

const listeners = new Map<EventName, Set<(payload: unknown) => void>>()
ipcRenderer.on(EVENT_CHANNEL, (_event, name: unknown, payload: unknown) => {
  if (!isEventName(name)) return
  for (const l of listeners.get(name) ?? []) l(payload)
})

const bridge: StddBridge = {
  transport: 'electron',
  invoke: async (command, input) => {
    if (!isCommandName(command)) return toReply(new ContractError('unknown_command', `unknown command "${String(command)}"`))
    return (await ipcRenderer.invoke(INVOKE_CHANNEL, command, input)) as InvokeReply<never>
  },
  on: (event, listener) => {
    if (!isEventName(event)) throw new Error(`unknown event "${String(event)}"`)
    let set = listeners.get(event)
    if (!set) listeners.set(event, (set = new Set()))
    set.add(listener as (payload: unknown) => void)
    return () => set.delete(listener as (payload: unknown) => void)
  },
}

contextBridge.exposeInMainWorld('api', bridge)
