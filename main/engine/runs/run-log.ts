import { appendFileSync, closeSync, existsSync, openSync, readSync, statSync } from 'node:fs'
import { join } from 'node:path'

/** A run's own log: every line it printed while it ran, in its folder, across resumes. */
export const RUN_LOG_FILE = 'run.log'

/** Appends a timestamped line; a full or read-only disk loses the line, never the run. */
export function appendRunLog(runDir: string, level: 'info' | 'warn' | 'error', message: string): void {
  try {
    appendFileSync(join(runDir, RUN_LOG_FILE), `${new Date().toISOString()} ${level.padEnd(5)} ${message}\n`)
  } catch {
    // The engine's log has the same line; the run's own writes report a disk problem.
  }
}

/** The log's text, whole up to `maxBytes`, else its last `maxBytes` (from a line start). */
export function readRunLog(runDir: string, maxBytes: number): { text: string; truncated: boolean; bytes: number } {
  const file = join(runDir, RUN_LOG_FILE)
  if (!existsSync(file)) return { text: '', truncated: false, bytes: 0 }
  const bytes = statSync(file).size
  const length = Math.min(bytes, maxBytes)
  const buffer = Buffer.alloc(length)
  const fd = openSync(file, 'r')
  try {
    readSync(fd, buffer, 0, length, bytes - length)
  } finally {
    closeSync(fd)
  }
  let text = buffer.toString('utf8')
  if (length < bytes) text = text.slice(text.indexOf('\n') + 1)
  return { text, truncated: length < bytes, bytes }
}
