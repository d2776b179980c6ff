import Database from 'better-sqlite3'
import { execFileSync } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openDatabase } from '../../../../main/engine/store/db'
import { backupDatabase, BACKUPS_KEPT, backupsDir, dailyBackupDue, listBackups, restoreBackup } from '../../../../main/engine/store/backups'
import { LATEST_SCHEMA_VERSION, migrate } from '../../../../main/engine/store/migrations'
import { createExperiment, listExperiments } from '../../../../main/engine/store/experiments'
import { tempDir } from '../../../helpers/temp-dir'

let dir: ReturnType<typeof tempDir>
let path: string

beforeEach(() => {
  dir = tempDir()
  path = join(dir.path, 'stdd.sqlite')
})
afterEach(() => {
  dir.remove()
})

/** A database at `path` with `n` experiments, checkpointed so the main file holds everything. */
function seed(n: number): void {
  const db = openDatabase({ path })
  for (let i = 0; i < n; i++) createExperiment(db, { name: `exp-${i}`, description: 'x'.repeat(3000) })
  db.pragma('wal_checkpoint(TRUNCATE)')
  db.close()
}

/** Overwrites bytes of the main file: `at` is a byte offset. */
function scribble(at: number, length: number): void {
  const bytes = readFileSync(path)
  bytes.fill(0x5a, at, at + length)
  writeFileSync(path, bytes)
}

describe('a damaged database', () => {
  it('is refused at open with its path and the restore command, when a page is overwritten', () => {
    seed(40)
    const first = openDatabase({ path }) // the second open of the day takes the daily backup
    first.close()
    expect(listBackups(path).map((b) => b.reason)).toEqual(['daily'])
    scribble(4096 * 3, 3000)
    expect(() => openDatabase({ path })).toThrow(new RegExp(`the results database ${path} is damaged .*"stdd db restore latest"`))
  })

  it('is refused when its header is not SQLite, with the way out when no backup exists', () => {
    seed(3)
    scribble(0, 100)
    expect(() => openDatabase({ path })).toThrow(/is damaged \(file is not a database\)\. No automatic backup exists yet: move the file aside/)
  })

  it('comes back whole from the backup; the damaged file is kept aside', () => {
    seed(40)
    openDatabase({ path }).close()
    scribble(4096 * 3, 3000)
    const { restored, keptAs } = restoreBackup(path, 'latest')
    expect(restored.reason).toBe('daily')
    expect(keptAs).toMatch(/stdd\.sqlite\.replaced-/)
    expect(existsSync(keptAs!)).toBe(true)
    const db = openDatabase({ path })
    expect(listExperiments(db)).toHaveLength(40)
    db.close()
  })
})

describe('automatic backups', () => {
  it('are taken before a migration, and hold the data as it was', () => {
    const old = new Database(path)
    migrate(old, LATEST_SCHEMA_VERSION - 1)
    old.prepare("INSERT INTO experiments (name, created_at) VALUES ('before-upgrade', '2026-01-01')").run()
    old.close()
    openDatabase({ path }).close()
    const [backup] = listBackups(path).filter((b) => b.reason === 'pre-migration')
    expect(backup).toBeDefined()
    const copy = new Database(backup!.file, { readonly: true })
    expect(copy.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION - 1)
    expect(copy.prepare('SELECT name FROM experiments').all()).toEqual([{ name: 'before-upgrade' }])
    copy.close()
  })

  it('are taken once a day and only the newest few are kept', () => {
    seed(1)
    const db = openDatabase({ path })
    const day = 24 * 3600 * 1000
    const t0 = Date.now() + 2 * day // later than the backup the open itself took
    for (let i = 0; i < BACKUPS_KEPT.daily + 3; i++) backupDatabase(db, path, 'daily', new Date(t0 + i * day))
    db.close()
    const daily = listBackups(path).filter((b) => b.reason === 'daily')
    expect(daily).toHaveLength(BACKUPS_KEPT.daily)
    expect(daily[0]!.createdAt).toBe(new Date(t0 + (BACKUPS_KEPT.daily + 2) * day).toISOString())
    expect(dailyBackupDue(path, new Date(t0 + (BACKUPS_KEPT.daily + 2) * day + 3600_000))).toBe(false)
    expect(dailyBackupDue(path, new Date(t0 + (BACKUPS_KEPT.daily + 3) * day))).toBe(true)
    expect(readdirSync(backupsDir(path)).filter((f) => f.endsWith('.partial'))).toEqual([])
  })

  it('a backup that cannot be written names its path; the database still opens with a warning', () => {
    seed(1)
    writeFileSync(backupsDir(path), 'a file where the backups folder should be')
    const warnings: string[] = []
    const db = openDatabase({ path, onWarning: (m) => warnings.push(m) })
    db.close()
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain(`could not write the daily backup ${backupsDir(path)}`)
  })

  it('restore refuses an unknown name, listing the ones there are', () => {
    seed(1)
    openDatabase({ path }).close()
    expect(() => restoreBackup(path, 'nope.sqlite')).toThrow(/no backup "nope\.sqlite" in .*; choose one of: stdd-.*-daily\.sqlite/)
  })
})

/**
 * A read-only folder: `chmod` for an ordinary user; root ignores permissions, so there a read-only
 * tmpfs is mounted when the machine allows it (else the test is skipped, saying why).
 */
function readOnlyFolder(): { path: string; release(): void } | null {
  if (process.getuid?.() !== 0) {
    chmodSync(dir.path, 0o500)
    return { path: dir.path, release: () => chmodSync(dir.path, 0o755) }
  }
  const mnt = join(dir.path, 'ro')
  mkdirSync(mnt)
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=64k', 'tmpfs', mnt], { stdio: 'ignore' })
  } catch {
    return null
  }
  return { path: mnt, release: () => execFileSync('umount', [mnt]) }
}

describe('a data folder that cannot be written', () => {
  it('names the path and the fix', (ctx) => {
    const ro = readOnlyFolder()
    if (!ro) return ctx.skip('running as root without permission to mount a read-only tmpfs')
    try {
      const file = join(ro.path, 'stdd.sqlite')
      expect(() => openDatabase({ path: file })).toThrow(new RegExp(`${file}: cannot write there .*--data-dir or STDD_HOME`))
      expect(() => openDatabase({ path: join(ro.path, 'sub', 'stdd.sqlite') })).toThrow(/sub: cannot write there .*permissions/)
    } finally {
      ro.release()
    }
  })
})
