import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ContractError } from '../../../contract'
import { startChildEngine } from '../../../main/engine/child-process'
import { tempDir } from '../../helpers/temp-dir'

const hostPath = join(import.meta.dirname, '..', '..', '..', 'main', 'engine', 'host.ts')

describe('the engine in its own process', () => {
  it('answers commands, streams events, and reports its own death to waiting callers', async () => {
    const dir = tempDir()
    try {
      const engine = await startChildEngine({ hostPath, execArgv: ['--import', 'tsx'], engine: { dataDir: dir.path, withoutTf: true } })
      const events: string[] = []
      engine.onEvent((e) => events.push(e))
      const created = (await engine.invoke('experiments.create', { name: 'in-child' })) as { name: string }
      expect(created.name).toBe('in-child')
      await expect(engine.invoke('experiments.create', { name: '' })).rejects.toMatchObject({ code: 'invalid_input' })
      expect(events).toContain('experiments.changed')

      engine.child.kill('SIGKILL')
      await new Promise((r) => engine.child.once('exit', r))
      const err = await engine.invoke('experiments.list', {}).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(ContractError)
      expect((err as ContractError).code).toBe('unavailable')
    } finally {
      dir.remove()
    }
  })

  it('fails start-up with the engine\'s reason', async () => {
    const dir = tempDir()
    try {
      // A data folder that is a file cannot hold the database.
      const file = join(dir.path, 'not-a-folder')
      await import('node:fs').then((fs) => fs.writeFileSync(file, 'x'))
      await expect(startChildEngine({ hostPath, execArgv: ['--import', 'tsx'], engine: { dataDir: file, withoutTf: true } })).rejects.toThrow(/engine could not start/)
    } finally {
      dir.remove()
    }
  })
})
