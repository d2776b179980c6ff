import { existsSync, readdirSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { loadExperimentFile } from './resolve'

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

export function listExperimentFiles(dataDir: string): ExperimentFileEntry[] {
  const folders: [string, ExperimentFileEntry['source']][] = [[join(dataDir, 'experiments'), 'user']]
  const shipped = shippedFolder()
  if (shipped) folders.push([shipped, 'built-in'])
  return folders.flatMap(([folder, source]) =>
    yamlFiles(folder).map((file) => {
      const label = relative(folder, file)
      try {
        const e = loadExperimentFile(file)
        return { file, label, source, name: e.name, description: e.description, runs: e.runs.length, error: null }
      } catch (err) {
        return { file, label, source, name: null, description: '', runs: 0, error: (err as Error).message }
      }
    }),
  )
}
