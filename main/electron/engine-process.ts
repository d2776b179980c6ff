import { utilityProcess, type UtilityProcess } from 'electron'
import type { EngineOptions } from '../engine/engine'
import { HostLink } from '../engine/host-link'
import type { EngineProcess } from '../engine/supervised-engine'

/**
 * Starts the engine in an Electron utility process, so training never blocks the window, and speaks
 * the contract's wire protocol with it.
 */
export function startUtilityEngine(hostPath: string, engine: Omit<EngineOptions, 'echoLog'>): Promise<EngineProcess & { child: UtilityProcess }> {
  const child = utilityProcess.fork(hostPath, [JSON.stringify(engine)], { serviceName: 'STDD engine', stdio: 'inherit' })
  const link = new HostLink((m) => child.postMessage(m))
  const exited = new Promise<string>((done) => child.once('exit', (code) => done(`code ${code}`)))
  const connection = {
    child,
    exited,
    interruptedAtStart: [] as number[],
    invoke: (command: string, input: unknown) => link.invoke(command, input),
    onEvent: link.onEvent.bind(link),
    close: async () => {
      if (link.isAlive) child.kill()
    },
  }
  return new Promise((resolve, reject) => {
    child.on('message', (m: unknown) => {
      const status = link.receive(m)
      if (status?.type === 'ready') resolve({ ...connection, interruptedAtStart: status.interruptedRunIds })
      else if (status?.type === 'fatal') reject(new Error(`the engine could not start: ${status.message}`))
    })
    child.on('exit', (code) => {
      link.exited(`code ${code}`)
      reject(new Error(`the engine process exited with code ${code}`))
    })
  })
}
