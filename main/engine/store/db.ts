import Database from 'better-sqlite3'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { migrate } from './migrations'

export type Db = Database.Database

export interface OpenOptions {
  /** Path of the database file, or `:memory:`. */
  path: string
  /** Electron builds pass the path of the Electron-ABI build of better-sqlite3 here. */
  nativeBinding?: string
}

/**
 * Opens (creating if needed) the results database: WAL journal so readers never block the writer,
 * synchronous=NORMAL (durable at each checkpoint, never corrupt), foreign keys on, and the schema
 * migrated to the latest version.
 */
export function openDatabase({ path, nativeBinding }: OpenOptions): Db {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
  const db = new Database(path, nativeBinding ? { nativeBinding } : {})
  try {
    if (path !== ':memory:') db.pragma('journal_mode = WAL')
    db.pragma('synchronous = NORMAL')
    db.pragma('foreign_keys = ON')
    db.pragma('busy_timeout = 5000')
    migrate(db)
  } catch (err) {
    db.close()
    throw err
  }
  return db
}

export function nowIso(): string {
  return new Date().toISOString()
}
