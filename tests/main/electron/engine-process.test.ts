import { EventEmitter } from 'node:events'
import { describe, expect, it, vi } from 'vitest'
import { utilityProcess } from '../../mocks/electron'
import { startUtilityEngine } from '../../../main/electron/engine-process'

class FakeUtility extends EventEmitter {
  posted: unknown[] = []
  postMessage(m: unknown): void {
    this.posted.push(m)
  }
  kill = vi.fn()
}

describe('the engine in an Electron utility process', () => {
  it('starts the engine host with its options, then relays commands and events', async () => {
    const child = new FakeUtility()
    utilityProcess.fork.mockReturnValue(child as never)
    const starting = startUtilityEngine('/app/out/main/engine-host.js', { dataDir: '/data' })
    expect(utilityProcess.fork).toHaveBeenCalledWith('/app/out/main/engine-host.js', ['{"dataDir":"/data"}'], expect.objectContaining({ serviceName: 'STDD engine' }))
    child.emit('message', { type: 'ready' })
    const engine = await starting

    const events: unknown[] = []
    engine.onEvent((e, p) => events.push([e, p]))
    const answer = engine.invoke('experiments.list', {})
    expect(child.posted).toEqual([{ type: 'invoke', id: 1, command: 'experiments.list', input: {} }])
    child.emit('message', { type: 'result', id: 1, ok: true, value: ['x'] })
    expect(await answer).toEqual(['x'])
    child.emit('message', { type: 'event', event: 'log', payload: { seq: 3 } })
    expect(events).toEqual([['log', { seq: 3 }]])

    const pending = engine.invoke('runs.list', {})
    child.emit('exit', 1)
    await expect(pending).rejects.toMatchObject({ code: 'unavailable' })
  })

  it('rejects start-up with the engine\'s own reason', async () => {
    const child = new FakeUtility()
    utilityProcess.fork.mockReturnValue(child as never)
    const starting = startUtilityEngine('/x.js', {})
    child.emit('message', { type: 'fatal', message: 'database is locked' })
    await expect(starting).rejects.toThrow('the engine could not start: database is locked')
  })
})
