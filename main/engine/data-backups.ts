import { databasePath, resolveDataDir } from './paths'
import { backupsDir, listBackups, restoreBackup, type BackupEntry } from './store/backups'

/** The automatic backups of a data folder's results database (for `stdd db backups|restore`). */
export function listDataBackups(dataDir?: string): { folder: string; backups: BackupEntry[] } {
  const path = databasePath(resolveDataDir(dataDir))
  return { folder: backupsDir(path), backups: listBackups(path) }
}

/** Puts a backup (`latest` or a name) in place of the data folder's database; the current file is kept beside it. */
export function restoreDataBackup(which: string, dataDir?: string): { database: string; restored: BackupEntry; keptAs: string | null } {
  const database = databasePath(resolveDataDir(dataDir))
  return { database, ...restoreBackup(database, which) }
}
