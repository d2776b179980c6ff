import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCli } from '../../../main/cli/run-cli'
import { Engine } from '../../../main/engine/engine'
import { cliContext } from '../../helpers/cli-context'
import { tempDir } from '../../helpers/temp-dir'

describe('stdd db backups | restore', () => {
  it('lists the automatic backup and restores it over a damaged database', async () => {
    const dir = tempDir()
    try {
      const empty = cliContext()
      expect(await runCli(['db', 'backups', '--data-dir', dir.path], empty.ctx)).toBe(0)
      expect(empty.out.join()).toMatch(/No backups yet/)

      const engine = await Engine.start({ dataDir: dir.path, withoutTf: true })
      for (let i = 0; i < 30; i++) await engine.invoke('experiments.create', { name: `e${i}`, description: 'd'.repeat(2000) })
      engine.db.pragma('wal_checkpoint(TRUNCATE)')
      engine.close()
      ;(await Engine.start({ dataDir: dir.path, withoutTf: true })).close() // the day's first reopen takes the backup

      const listed = cliContext()
      expect(await runCli(['db', 'backups', '--json', '--data-dir', dir.path], listed.ctx)).toBe(0)
      const backups = JSON.parse(listed.out.join('')) as { name: string; reason: string }[]
      expect(backups.map((b) => b.reason)).toEqual(['daily'])

      const file = join(dir.path, 'stdd.sqlite')
      const bytes = readFileSync(file)
      bytes.fill(0x5a, 4096 * 2, 4096 * 2 + 3000)
      writeFileSync(file, bytes)
      await expect(Engine.start({ dataDir: dir.path, withoutTf: true })).rejects.toThrow(/is damaged .*stdd db restore latest/)

      const wrong = cliContext()
      expect(await runCli(['db', 'restore', 'nope', '--data-dir', dir.path], wrong.ctx)).toBe(1)
      expect(wrong.err.join()).toContain(`choose one of: ${backups[0]!.name}`)

      const restore = cliContext()
      expect(await runCli(['db', 'restore', 'latest', '--data-dir', dir.path], restore.ctx)).toBe(0)
      expect(restore.out.join()).toMatch(/restored .*stdd\.sqlite from stdd-.*-daily\.sqlite .*kept as .*stdd\.sqlite\.replaced-/)
      const back = await Engine.start({ dataDir: dir.path, withoutTf: true })
      expect(await back.invoke('experiments.list', {})).toHaveLength(30)
      back.close()
    } finally {
      dir.remove()
    }
  })
})
