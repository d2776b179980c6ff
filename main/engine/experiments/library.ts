import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse as parseYaml, YAMLParseError } from 'yaml'
import { BoundedReadError, readFileAtMost } from '../io/bounded-read'
import { MAX_EXPERIMENT_FILE_BYTES } from './limits'
import { ExperimentFileError, resolveExperiment, type ResolvedExperiment } from './resolve'

/**
 * The experiment files a user can launch from the explorer: the user's own (`<data folder>/experiments`)
 * and the suites shipped with the application (`experiments/` at the repository root, found by walking
 * up from this module, so it works from the source tree and from the built `out/main`).
 */

export interface ExperimentFileEntry {
  /** Absolute path: what `runs.launch` takes. */
  file: string
  /** Path relative to its library folder, for display. */
  label: string
  source: 'user' | 'built-in'
  name: string | null
  description: string
  runs: number
  /** Why the file cannot be launched, if it cannot. */
  error: string | null
}

function shippedFolder(from = dirname(fileURLToPath(import.meta.url))): string | null {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    const candidate = join(dir, 'experiments')
    if (existsSync(join(dir, 'package.json')) && existsSync(candidate) && statSync(candidate).isDirectory()) return candidate
    if (dirname(dir) === dir) return null
  }
}

function yamlFiles(dir: string): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? yamlFiles(join(dir, e.name)) : /\.ya?ml$/.test(e.name) ? [join(dir, e.name)] : []))
    .sort()
}

function libraryFolders(dataDir: string): [string, ExperimentFileEntry['source']][] {
  const folders: [string, ExperimentFileEntry['source']][] = [[join(dataDir, 'experiments'), 'user']]
  const shipped = shippedFolder()
  if (shipped) folders.push([shipped, 'built-in'])
  return folders
}


export class ExperimentAccessError extends Error {}

function realFolders(dataDir: string): string[] {
  return libraryFolders(dataDir).flatMap(([folder]) => {
    try {
      return [realpathSync(folder)]
    } catch {
      return []
    }
  })
}

function insideAny(folders: string[], real: string): boolean {
  return folders.some((f) => real === f || real.startsWith(f.endsWith(sep) ? f : f + sep))
}

function whereAllowed(dataDir: string): string {
  return libraryFolders(dataDir)
    .map(([f]) => f)
    .join(' or ')
}

/**
 * A folder that pasted experiment YAML may resolve its relative paths against: the data folder
 * itself or a folder under an experiment library (symlinks resolved). Anything else is refused.
 */
export function checkExperimentBaseDir(baseDir: string, dataDir: string): string {
  let real: string
  try {
    real = realpathSync(resolve(baseDir))
  } catch {
    throw new ExperimentAccessError(`baseDir ${baseDir} does not exist; give a folder under the data folder ${dataDir}`)
  }
  const allowed = [...realFolders(dataDir), ...(existsSync(dataDir) ? [realpathSync(dataDir)] : [])]
  if (!insideAny(allowed, real) || !statSync(real).isDirectory()) {
    const shipped = shippedFolder()
    throw new ExperimentAccessError(`baseDir ${baseDir} is not a folder under the data folder ${dataDir}${shipped ? ` or ${shipped}` : ''}; relative paths of pasted YAML resolve only there`)
  }
  return real
}

/**
 * Reads an experiment file for `runs.launch`, which the renderer and the browser may call: only a
 * regular file (no device, FIFO or folder) of at most {@link MAX_EXPERIMENT_FILE_BYTES}, whose real
 * path (symlinks resolved) lies under the data folder's `experiments/` or the shipped suites. Errors
 * name the path and never quote the file's content.
 */
export function readLaunchableFile(path: string, dataDir: string): { file: string; text: string } {
  let real: string
  try {
    real = realpathSync(resolve(path))
  } catch {
    throw new ExperimentAccessError(`${path}: no such experiment file; put it under ${whereAllowed(dataDir)}`)
  }
  if (!insideAny(realFolders(dataDir), real)) {
    throw new ExperimentAccessError(`${path}: only experiment files under ${whereAllowed(dataDir)} can be launched from here; copy it there, or run it with "stdd run ${path}"`)
  }
  try {
    return { file: real, text: readFileAtMost(real, MAX_EXPERIMENT_FILE_BYTES, 'experiment file', { noFollow: true }) }
  } catch (err) {
    if (err instanceof BoundedReadError) throw new ExperimentAccessError(err.message.replace(real, path))
    throw err
  }
}

/** YAML text as a document; a syntax error names the source and the position, never the text itself. */
export function parseExperimentYaml(text: string, source: string): unknown {
  try {
    return parseYaml(text, { prettyErrors: false })
  } catch (err) {
    if (!(err instanceof YAMLParseError)) throw err
    const before = text.slice(0, err.pos[0]).split('\n')
    throw new ExperimentFileError(`${source} is not valid YAML (${err.code} at line ${before.length}, column ${before.at(-1)!.length + 1})`)
  }
}

/** An experiment file of the libraries, read as {@link readLaunchableFile} allows and validated. */
export function loadLaunchableExperiment(path: string, dataDir: string, overrides: Record<string, unknown> = {}): ResolvedExperiment {
  const { file, text } = readLaunchableFile(path, dataDir)
  return { ...resolveExperiment(parseExperimentYaml(text, file), file, dirname(file), overrides), filePath: file }
}

/** One file of a library as the launch list shows it: validated, or with why it cannot be launched. */
export function libraryEntry(file: string, label: string, source: ExperimentFileEntry['source'], dataDir: string): ExperimentFileEntry {
  try {
    const e = loadLaunchableExperiment(file, dataDir)
    return { file, label, source, name: e.name, description: e.description, runs: e.runs.length, error: null }
  } catch (err) {
    return { file, label, source, name: null, description: '', runs: 0, error: (err as Error).message }
  }
}

export function listExperimentFiles(dataDir: string): ExperimentFileEntry[] {
  return libraryFolders(dataDir).flatMap(([folder, source]) => yamlFiles(folder).map((file) => libraryEntry(file, relative(folder, file), source, dataDir)))
}

/** A library file's text (read as {@link readLaunchableFile} allows), with its place: which library, and its path there. */
export function readLibraryFile(path: string, dataDir: string): { file: string; label: string; source: ExperimentFileEntry['source']; text: string } {
  const { file, text } = readLaunchableFile(path, dataDir)
  for (const [folder, source] of libraryFolders(dataDir)) {
    if (!existsSync(folder)) continue
    const real = realpathSync(folder)
    if (insideAny([real], file)) return { file, label: relative(real, file), source, text }
  }
  throw new ExperimentAccessError(`${path}: no such experiment file; put it under ${whereAllowed(dataDir)}`)
}
