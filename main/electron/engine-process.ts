import { utilityProcess, type UtilityProcess } from 'electron'
import { ContractError, WireClient, type CommandName, type EventName } from '../../contract'
import type { EngineConnection } from '../engine/connection'
import type { EngineOptions } from '../engine/engine'

/**
 * Starts the engine in an Electron utility process, so training never blocks the window, and speaks
 * the contract's wire protocol with it.
 */
export function startUtilityEngine(hostPath: string, engine: Omit<EngineOptions, 'echoLog'>): Promise<EngineConnection & { child: UtilityProcess }> {
  const child = utilityProcess.fork(hostPath, [JSON.stringify(engine)], { serviceName: 'STDD engine', stdio: 'inherit' })
  let alive = true
  const wire = new WireClient((m) => {
    if (!alive) throw new ContractError('unavailable', 'the engine process is not running')
    child.postMessage(m)
  })
  const listeners = new Set<(event: EventName, payload: unknown) => void>()
  return new Promise((resolve, reject) => {
    child.on('message', (m: { type?: string; message?: string; event?: EventName; payload?: unknown }) => {
      if (m.type === 'ready') resolve(connection)
      else if (m.type === 'fatal') reject(new Error(`the engine could not start: ${m.message}`))
      else {
        if (m.type === 'event') for (const l of listeners) l(m.event!, m.payload)
        wire.receive(m)
      }
    })
    child.on('exit', (code) => {
      alive = false
      wire.failAll(new ContractError('unavailable', `the engine process exited with code ${code}`))
      reject(new Error(`the engine process exited with code ${code}`))
    })
    const connection = {
      child,
      invoke: (command: CommandName | string, input: unknown) => wire.invoke(command as CommandName, input),
      onEvent: (l: (event: EventName, payload: unknown) => void) => {
        listeners.add(l)
        return () => listeners.delete(l)
      },
      close: async () => {
        if (alive) child.kill()
      },
    }
  })
}
