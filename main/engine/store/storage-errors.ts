/**
 * Storage failures (disk full, read-only folder) from SQLite or the file system, told apart from
 * other errors so that messages can name the path and the fix, and writes can wait for space.
 */

export type StorageProblem = 'full' | 'read-only'

export function storageProblem(err: unknown): StorageProblem | null {
  const code = (err as { code?: unknown } | null)?.code
  if (typeof code !== 'string') return null
  if (code === 'ENOSPC' || code === 'EDQUOT' || code === 'SQLITE_FULL' || code.startsWith('SQLITE_IOERR_WRITE') || code.startsWith('SQLITE_IOERR_FSYNC')) return 'full'
  if (code === 'EROFS' || code === 'EACCES' || code === 'EPERM' || code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_CANTOPEN')) return 'read-only'
  return null
}

/**
 * A message for `err` that names `path` and the fix when it is a storage failure (or `problem` says
 * it is one); other errors keep their message.
 */
export function describeStorageError(err: unknown, path: string, problem = storageProblem(err)): string {
  const message = err instanceof Error ? err.message : String(err)
  const where = (err as { path?: unknown }).path
  const target = typeof where === 'string' ? where : path
  switch (problem) {
    case 'full':
      return `${target}: the disk is full (${message}); free some space — what was saved before is kept`
    case 'read-only':
      return `${target}: cannot write there (${message}); the data folder must be writable: fix its permissions, or choose another folder with --data-dir or STDD_HOME`
    default:
      return message
  }
}
