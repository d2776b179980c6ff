import Database from 'better-sqlite3'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { backupDatabase, backupsDir, dailyBackupDue, integrityProblem, listBackups } from './backups'
import { LATEST_SCHEMA_VERSION, migrate, schemaVersion } from './migrations'
import { describeStorageError } from './storage-errors'

export type Db = Database.Database

export interface OpenOptions {
  /** Path of the database file, or `:memory:`. */
  path: string
  /** Electron builds pass the path of the Electron-ABI build of better-sqlite3 here. */
  nativeBinding?: string
  /** Told about problems that do not stop the database from opening (a daily backup that failed). */
  onWarning?: (message: string) => void
}

/** The database file is damaged: the message names it and how to restore the newest backup. */
export class DatabaseDamagedError extends Error {}

function damaged(path: string, detail: string): DatabaseDamagedError {
  const backups = listBackups(path)
  const fix = backups.length
    ? `Restore the newest automatic backup (${backups[0]!.name}, ${backups[0]!.createdAt}): quit STDD Explorer, then run "stdd db restore latest" ("stdd db backups" lists all ${backups.length} in ${backupsDir(path)}); the damaged file is kept beside it.`
    : `No automatic backup exists yet: move the file aside (e.g. "mv ${path} ${path}.damaged") to start an empty database, or salvage it with "sqlite3 ${path} .recover".`
  return new DatabaseDamagedError(`the results database ${path} is damaged (${detail}). ${fix}`)
}

function isCorruption(err: unknown): boolean {
  const code = (err as { code?: unknown }).code
  return code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB' || (typeof code === 'string' && code.startsWith('SQLITE_CORRUPT'))
}

/**
 * Opens (creating if needed) the results database: WAL journal so readers never block the writer,
 * synchronous=NORMAL (durable at each checkpoint, never corrupt), foreign keys on. A damaged file is
 * refused (`quick_check`) with the way to restore a backup; a backup is taken before migrating the
 * schema and once a day. Errors name the path.
 */
export function openDatabase({ path, nativeBinding, onWarning }: OpenOptions): Db {
  const onDisk = path !== ':memory:'
  let db: Db
  try {
    if (onDisk) mkdirSync(dirname(path), { recursive: true })
  } catch (err) {
    throw new Error(describeStorageError(err, dirname(path), 'read-only'), { cause: err })
  }
  try {
    db = new Database(path, nativeBinding ? { nativeBinding } : {})
  } catch (err) {
    throw new Error(describeStorageError(err, path), { cause: err })
  }
  try {
    if (onDisk) db.pragma('journal_mode = WAL')
    db.pragma('synchronous = NORMAL')
    db.pragma('foreign_keys = ON')
    db.pragma('busy_timeout = 5000')
    if (onDisk) {
      const problem = integrityProblem(db)
      if (problem) throw damaged(path, problem)
      const version = schemaVersion(db)
      if (version > 0 && version < LATEST_SCHEMA_VERSION) backupDatabase(db, path, 'pre-migration')
      migrate(db)
      if (version > 0) {
        try {
          if (dailyBackupDue(path)) backupDatabase(db, path, 'daily')
        } catch (err) {
          onWarning?.((err as Error).message)
        }
      }
    } else migrate(db)
  } catch (err) {
    db.close()
    if (err instanceof DatabaseDamagedError) throw err
    if (isCorruption(err)) throw damaged(path, (err as Error).message)
    throw new Error(describeStorageError(err, path), { cause: err })
  }
  return db
}

/** The SQLite library's version (`3.x.y`). */
export function sqliteVersion(db: Db): string {
  return (db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v
}

export function nowIso(): string {
  return new Date().toISOString()
}
