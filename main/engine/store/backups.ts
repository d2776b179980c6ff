import Database from 'better-sqlite3'
import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'

/**
 * Automatic copies of the results database (`<data folder>/backups/`), taken with `VACUUM INTO`
 * (a consistent snapshot even while runs write): once a day, and before every schema migration.
 * The newest few of each kind are kept. A copy is written under a temporary name and renamed, so a
 * listed backup is always whole.
 */

export type BackupReason = 'daily' | 'pre-migration'

export interface BackupEntry {
  name: string
  file: string
  reason: BackupReason
  createdAt: string
  bytes: number
}

/** How many backups of each kind are kept. */
export const BACKUPS_KEPT: Record<BackupReason, number> = { daily: 7, 'pre-migration': 3 }
const DAY_MS = 24 * 3600 * 1000
const NAME = /^stdd-(\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z)-(daily|pre-migration)\.sqlite$/

export function backupsDir(dbPath: string): string {
  return join(dirname(dbPath), 'backups')
}

/** The backups of a database, newest first. */
export function listBackups(dbPath: string): BackupEntry[] {
  const dir = backupsDir(dbPath)
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return []
  return readdirSync(dir)
    .flatMap((name) => {
      const m = NAME.exec(name)
      if (!m) return []
      const stamp = m[1]!.replace(/T(\d\d)-(\d\d)-(\d\d)-(\d{3})Z$/, 'T$1:$2:$3.$4Z')
      return [{ name, file: join(dir, name), reason: m[2] as BackupReason, createdAt: stamp, bytes: statSync(join(dir, name)).size }]
    })
    .sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0))
}

function pruneBackups(dbPath: string): void {
  const seen: Record<BackupReason, number> = { daily: 0, 'pre-migration': 0 }
  for (const b of listBackups(dbPath)) if (++seen[b.reason] > BACKUPS_KEPT[b.reason]) rmSync(b.file, { force: true })
}

/** Writes a consistent copy of `db` into the backups folder; returns its path. Throws naming the path on failure. */
export function backupDatabase(db: Database.Database, dbPath: string, reason: BackupReason, now = new Date()): string {
  const dir = backupsDir(dbPath)
  const file = join(dir, `stdd-${now.toISOString().replace(/[:.]/g, '-')}-${reason}.sqlite`)
  const partial = `${file}.partial`
  try {
    mkdirSync(dir, { recursive: true })
    rmSync(partial, { force: true })
    db.prepare('VACUUM INTO ?').run(partial)
    renameSync(partial, file)
  } catch (err) {
    try {
      rmSync(partial, { force: true })
    } catch {
      // the folder itself is unusable: nothing was written
    }
    throw new Error(`could not write the ${reason} backup ${file}: ${(err as Error).message}; free space or fix the folder's permissions`, { cause: err })
  }
  pruneBackups(dbPath)
  return file
}

export function dailyBackupDue(dbPath: string, now = new Date()): boolean {
  const last = listBackups(dbPath).find((b) => b.reason === 'daily')
  return !last || now.getTime() - Date.parse(last.createdAt) >= DAY_MS
}

/** `PRAGMA quick_check` of a database: null when it is sound, else what is wrong (first lines). */
export function integrityProblem(db: Database.Database): string | null {
  try {
    const rows = db.pragma('quick_check') as { quick_check: string }[]
    const problems = rows.map((r) => r.quick_check).filter((r) => r !== 'ok')
    return problems.length ? problems.slice(0, 3).join('; ').replace(/\s+/g, ' ') : null
  } catch (err) {
    return (err as Error).message
  }
}

/** A backup by name, or `latest`. */
export function findBackup(dbPath: string, which: string): BackupEntry {
  const all = listBackups(dbPath)
  const found = which === 'latest' ? all[0] : all.find((b) => b.name === which || b.file === which)
  if (!found) {
    throw new Error(
      all.length
        ? `no backup "${which}" in ${backupsDir(dbPath)}; choose one of: ${all.map((b) => b.name).join(', ')} (or "latest")`
        : `${backupsDir(dbPath)} holds no backups yet`,
    )
  }
  return found
}

/**
 * Puts a backup in place of the database. The current file (with its WAL) is kept beside it as
 * `stdd.sqlite.replaced-<time>`, never deleted. No engine may have the database open meanwhile.
 */
export function restoreBackup(dbPath: string, which: string, now = new Date()): { restored: BackupEntry; keptAs: string | null } {
  const backup = findBackup(dbPath, which)
  const check = new Database(backup.file, { readonly: true, fileMustExist: true })
  try {
    const problem = integrityProblem(check)
    if (problem) throw new Error(`the backup ${backup.file} is damaged too (${problem}); choose an older one ("stdd db backups")`)
  } finally {
    check.close()
  }
  const incoming = `${dbPath}.restoring`
  copyFileSync(backup.file, incoming)
  let keptAs: string | null = null
  if (existsSync(dbPath)) {
    keptAs = `${dbPath}.replaced-${now.toISOString().replace(/[:.]/g, '-')}`
    for (const suffix of ['', '-wal', '-shm']) if (existsSync(dbPath + suffix)) renameSync(dbPath + suffix, keptAs + suffix)
  }
  renameSync(incoming, dbPath)
  return { restored: backup, keptAs }
}
