import { copyFileSync, existsSync, renameSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ContractError, type LogEntry } from '../../../../contract'
import { Engine } from '../../../../main/engine/engine'
import { tempDir } from '../../../helpers/temp-dir'

/** Issue 19, F7: the database file deleted or replaced while an engine (serve) runs. */

let dir: ReturnType<typeof tempDir>
let engine: Engine
let errors: string[]
let dbPath: string

beforeEach(async () => {
  dir = tempDir()
  engine = await Engine.start({ dataDir: dir.path, withoutTf: true })
  dbPath = join(dir.path, 'stdd.sqlite')
  errors = []
  engine.subscribe((event, payload) => {
    if (event === 'log' && (payload as LogEntry).level === 'error') errors.push((payload as LogEntry).message)
  })
  await engine.invoke('experiments.create', { name: 'before' })
})
afterEach(() => {
  engine.close()
  dir.remove()
})

async function refusal(): Promise<ContractError> {
  const err = await engine.invoke('experiments.create', { name: 'after' }).catch((e: unknown) => e)
  expect(err).toBeInstanceOf(ContractError)
  return err as ContractError
}

describe('a database file deleted under a running engine', () => {
  it('stops writing and says so, in the command\'s error and as a logged event; no file is written there', async () => {
    for (const suffix of ['', '-wal', '-shm']) rmSync(dbPath + suffix, { force: true })
    const err = await refusal()
    expect(err.code).toBe('unavailable')
    expect(err.message).toBe(`the results database ${dbPath} was deleted while this engine ran; nothing more is written to it. Quit and start again: it then starts an empty database, or first put the newest backup back with "stdd db restore latest"`)
    expect(errors).toEqual([err.message])
    expect(() => engine.db.prepare("INSERT INTO settings (key, value_json) VALUES ('x', '1')").run()).toThrow(/readonly/i)
    await expect(engine.invoke('app.info', {})).rejects.toThrow(/was deleted while this engine ran/)
    expect(existsSync(dbPath)).toBe(false)
    expect(errors).toHaveLength(1) // said once
  })

  it('notices a file put in its place (another database, a restore) as replaced', async () => {
    engine.db.pragma('wal_checkpoint(TRUNCATE)')
    copyFileSync(dbPath, join(dir.path, 'other.sqlite'))
    renameSync(join(dir.path, 'other.sqlite'), dbPath)
    expect((await refusal()).message).toMatch(/was replaced by another file while this engine ran; .*opens the file now there/)
  })
})
