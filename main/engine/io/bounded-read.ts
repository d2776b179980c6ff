import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs'

/** Why a file could not be read within its bound; the message names the file and never quotes it. */
export class BoundedReadError extends Error {}

/**
 * Reads a regular file of at most `maxBytes` as UTF-8. A FIFO, device or folder is refused without
 * blocking on it (O_NONBLOCK, then fstat), and a file that grows past the bound while being read
 * (`/proc`, a file being written) is refused too: at most `maxBytes + 1` bytes are ever read.
 * `what` names the kind of file in errors ("experiment file", "knowledge-graph file"); `noFollow`
 * refuses a symlink (for a path whose links were already resolved and checked).
 */
export function readFileAtMost(path: string, maxBytes: number, what: string, options: { noFollow?: boolean } = {}): string {
  let fd: number
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | (options.noFollow ? (constants.O_NOFOLLOW ?? 0) : 0))
  } catch (err) {
    throw new BoundedReadError(`${path}: cannot read the ${what} (${(err as NodeJS.ErrnoException).code ?? 'error'})`)
  }
  try {
    const st = fstatSync(fd)
    if (!st.isFile()) throw new BoundedReadError(`${path}: not a regular file; give the ${what} itself`)
    if (st.size > maxBytes) throw new BoundedReadError(`${path}: ${st.size} bytes is larger than the ${maxBytes}-byte limit for a ${what}`)
    const buf = Buffer.alloc(maxBytes + 1)
    let n = 0
    for (;;) {
      const got = readSync(fd, buf, n, buf.length - n, n)
      n += got
      if (got === 0 || n === buf.length) break
    }
    if (n > maxBytes) throw new BoundedReadError(`${path}: larger than the ${maxBytes}-byte limit for a ${what}`)
    return buf.subarray(0, n).toString('utf8')
  } finally {
    closeSync(fd)
  }
}
