import { existsSync, fsyncSync, linkSync, lstatSync, mkdirSync, openSync, closeSync, realpathSync, renameSync, rmSync, writeSync } from 'node:fs'
import { dirname, join, resolve, sep } from 'node:path'
import { randomBytes } from 'node:crypto'
import { MAX_EXPERIMENT_FILE_BYTES } from './limits'
import { ExperimentAccessError } from './library'

/**
 * Writes an experiment file the explorer's editor saved, where the renderer (untrusted) may write:
 * only under the data folder's `experiments/`, by a relative path whose real folder (symlinks
 * resolved) stays inside it, at most {@link MAX_EXPERIMENT_FILE_BYTES}, never over something that is
 * not a regular file. The write is atomic: a temporary file beside it, synced, then renamed over the
 * old one (or, for a new file, linked in place, which fails if one appeared meanwhile): a crash leaves
 * the old file or the new one, never half of one.
 */

export const userExperimentsFolder = (dataDir: string): string => join(dataDir, 'experiments')

const inside = (folder: string, path: string): boolean => path === folder || path.startsWith(folder.endsWith(sep) ? folder : folder + sep)

/** The nearest folder on the way to `path` that exists. */
function nearestExisting(path: string): string {
  let p = path
  while (!existsSync(p)) p = dirname(p)
  return p
}

export function saveExperimentFile(dataDir: string, relativePath: string, text: string, overwrite: boolean): string {
  const bytes = Buffer.byteLength(text, 'utf8')
  if (bytes > MAX_EXPERIMENT_FILE_BYTES) throw new ExperimentAccessError(`${relativePath}: ${bytes} bytes is more than an experiment file may hold (${MAX_EXPERIMENT_FILE_BYTES}); split it into several files`)
  const root = userExperimentsFolder(dataDir)
  const target = resolve(root, relativePath)
  if (!inside(root, target) || target === root) throw new ExperimentAccessError(`${relativePath}: experiment files are saved under ${root} only; give a path inside it such as studies/lr.yaml`)
  mkdirSync(root, { recursive: true })
  const realRoot = realpathSync(root)
  const folder = dirname(target)
  if (!inside(realRoot, realpathSync(nearestExisting(folder)))) throw new ExperimentAccessError(`${relativePath}: its folder leads outside ${root} (a link); save it elsewhere under ${root}`)
  mkdirSync(folder, { recursive: true })
  if (!inside(realRoot, realpathSync(folder))) throw new ExperimentAccessError(`${relativePath}: its folder leads outside ${root} (a link); save it elsewhere under ${root}`)
  const existing = lstatOrNull(target)
  if (existing && !existing.isFile()) throw new ExperimentAccessError(`${relativePath} exists and is not a regular file (a folder or a link); choose another name`)
  if (existing && !overwrite) throw new ExperimentAccessError(`${relativePath} exists already; choose another name, or save over it`)

  const tmp = join(folder, `.${randomBytes(6).toString('hex')}.saving`)
  const fd = openSync(tmp, 'wx', 0o644)
  try {
    writeSync(fd, text)
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
  try {
    if (existing) renameSync(tmp, target)
    else {
      linkSync(tmp, target) // fails with EEXIST where a file appeared since the check: nothing is replaced unasked
      rmSync(tmp)
    }
  } catch (err) {
    rmSync(tmp, { force: true })
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new ExperimentAccessError(`${relativePath} exists already; choose another name, or save over it`)
    throw err
  }
  return target
}

/** What is at `path` (a link itself, not what it points at), or null. */
function lstatOrNull(path: string): ReturnType<typeof lstatSync> | null {
  try {
    return lstatSync(path)
  } catch {
    return null
  }
}
