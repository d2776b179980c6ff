import { hostname } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import type { EngineRestarted, EventName } from '../../../contract'
import { startChildEngine } from '../../../main/engine/child-process'
import { SupervisedEngine, type EngineProcess } from '../../../main/engine/supervised-engine'
import { tempDir } from '../../helpers/temp-dir'

const hostPath = join(import.meta.dirname, '..', '..', '..', 'main', 'engine', 'host.ts')

describe('a face\'s engine process that dies', () => {
  it('is restarted; the run it was running is marked interrupted, and the faces hear it', async () => {
    const dir = tempDir()
    let child: ReturnType<typeof startChildEngine> extends Promise<infer C> ? C : never
    const engine = await SupervisedEngine.start({
      start: async () => (child = await startChildEngine({ hostPath, execArgv: ['--import', 'tsx'], engine: { dataDir: dir.path, withoutTf: true } })),
      backoffMs: 10,
    })
    try {
      const restarted = new Promise<EngineRestarted>((resolve) => engine.onEvent((event: EventName, payload) => event === 'engine.restarted' && resolve(payload as EngineRestarted)))
      const { runs } = (await engine.invoke('runs.launch', { yaml: 'name: victim\n' })) as { runs: { id: number }[] }
      const id = runs[0]!.id
      // The engine process is running the run (as its worker's owner) when it dies.
      const db = new Database(join(dir.path, 'stdd.sqlite'))
      db.prepare("UPDATE runs SET status = 'running', pid = ?, host = ?, heartbeat_at = ? WHERE id = ?").run(child!.child.pid, hostname(), new Date().toISOString(), id)
      db.close()
      const first = child!.child
      first.kill('SIGKILL')

      expect(await restarted).toEqual({ reason: 'SIGKILL', interruptedRunIds: [id], restarts: 1 })
      expect(child!.child).not.toBe(first)
      expect(await engine.invoke('runs.get', { id })).toMatchObject({ status: 'failed', error: expect.stringMatching(/^interrupted: its engine process stopped/) })
    } finally {
      await engine.close()
      dir.remove()
    }
  }, 120_000)

  it('gives up after too many deaths in a row, and says why', async () => {
    const started: { die(): void }[] = []
    const fake = async (): Promise<EngineProcess> => {
      let die!: (how: string) => void
      const exited = new Promise<string>((r) => (die = r))
      started.push({ die: () => die('code 134') })
      return { exited, interruptedAtStart: [], invoke: async () => 'ok', onEvent: () => () => {}, close: async () => {} }
    }
    const engine = await SupervisedEngine.start({ start: fake, maxRestarts: 2, backoffMs: 1 })
    expect(await engine.invoke('app.info', {})).toBe('ok')
    for (let i = 0; i < 3; i++) {
      started[i]!.die()
      await new Promise((r) => setTimeout(r, 30))
    }
    expect(started).toHaveLength(3)
    await expect(engine.invoke('app.info', {})).rejects.toMatchObject({ code: 'unavailable', message: expect.stringContaining('the engine process stopped 3 times within 300 s (last: code 134)') })
  })
})
