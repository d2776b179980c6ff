import { statSync } from 'node:fs'
import type { Db } from './db'

/** How often a running engine checks that its database file is still the one it opened. */
export const DB_FILE_CHECK_MS = 5000

function identityOf(path: string): { dev: number; ino: number } | null {
  try {
    const st = statSync(path)
    return { dev: st.dev, ino: st.ino }
  } catch {
    return null
  }
}

/**
 * Notices the database file being deleted or replaced under a running engine (SQLite would go on
 * writing into the unlinked file, and everything since would be lost): the file's device and inode
 * are compared with those at open, before every command and every {@link DB_FILE_CHECK_MS}. Once the
 * file is gone, the connection turns read-only (`query_only`), so nothing more is written into the
 * lost file, and every check returns the message saying so and what to do.
 */
export class DatabaseFileWatch {
  private readonly identity: { dev: number; ino: number } | null
  private lost: string | null = null

  constructor(
    private readonly db: Db,
    private readonly path: string,
    private readonly onLost: (message: string) => void,
  ) {
    this.identity = path === ':memory:' ? null : identityOf(path)
  }

  /** Null while the file is the one opened; else why nothing is written any more. */
  check(): string | null {
    if (this.lost !== null || this.identity === null) return this.lost
    const now = identityOf(this.path)
    if (now && now.dev === this.identity.dev && now.ino === this.identity.ino) return null
    const what = now ? 'replaced by another file' : 'deleted'
    const restart = now ? 'it then opens the file now there' : 'it then starts an empty database, or first put the newest backup back with "stdd db restore latest"'
    this.lost = `the results database ${this.path} was ${what} while this engine ran; nothing more is written to it. Quit and start again: ${restart}`
    if (this.db.open) this.db.pragma('query_only = ON')
    this.onLost(this.lost)
    return this.lost
  }
}
