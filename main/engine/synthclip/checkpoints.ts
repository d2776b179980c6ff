import { existsSync, statSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * Checkpoint strings of experiment files and the CLI: `builtin:<name>` names a model shipped in the
 * repository's `resources/models/<name>/` (found by walking up from this module: the source tree
 * under vitest/tsx and the built `out/main/…` both sit below the repository root; a packaged app
 * also looks in Electron's `process.resourcesPath`); anything else is a folder path.
 */

export const BUILTIN_PREFIX = 'builtin:'
/** The built-in models: name → folder under `resources/models/`. */
export const BUILTIN_MODELS: Readonly<Record<string, string>> = { 'synth-clip': 'synth-clip' }
export const SYNTH_CLIP_CHECKPOINT = 'builtin:synth-clip'

const isDir = (p: string): boolean => existsSync(p) && statSync(p).isDirectory()

/** The `resources/` folders that may hold built-in models, nearest first. */
export function resourceRoots(from = dirname(fileURLToPath(import.meta.url))): string[] {
  const roots: string[] = []
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    if (isDir(join(dir, 'resources', 'models'))) roots.push(join(dir, 'resources'))
    if (dirname(dir) === dir) break
  }
  const packaged = (process as { resourcesPath?: string }).resourcesPath
  if (packaged && isDir(join(packaged, 'models'))) roots.push(packaged)
  return roots
}

/** The folder of built-in model `name` (throws naming the checkpoint, where it looked, and the fix). */
export function builtinModelDir(name: string, from?: string): string {
  const folder = BUILTIN_MODELS[name]
  if (!folder) throw new Error(`checkpoint "${BUILTIN_PREFIX}${name}": no such built-in model; built in: ${Object.keys(BUILTIN_MODELS).map((n) => BUILTIN_PREFIX + n).join(', ')}`)
  const roots = resourceRoots(from)
  const candidates = roots.map((r) => join(r, 'models', folder))
  const found = candidates.find((c) => existsSync(join(c, 'config.json')))
  if (found) return found
  const where = candidates.length ? candidates.join(', ') : `no resources/models folder above ${from ?? dirname(fileURLToPath(import.meta.url))}`
  throw new Error(`checkpoint "${BUILTIN_PREFIX}${name}": the shipped model is missing (looked for config.json in ${where}); re-create it with \`stdd synth pretrain-clip\``)
}

/**
 * `builtin:synth-clip` → the shipped folder's absolute path; anything else → that path, absolute.
 * Either way the folder must exist and hold a `config.json`.
 */
export function resolveCheckpoint(checkpoint: string, from?: string): string {
  if (checkpoint.startsWith(BUILTIN_PREFIX)) return builtinModelDir(checkpoint.slice(BUILTIN_PREFIX.length), from)
  if (!checkpoint.trim()) throw new Error('checkpoint: empty; give a Hugging Face CLIP folder or builtin:synth-clip')
  const dir = resolve(checkpoint)
  if (!isDir(dir)) throw new Error(`checkpoint "${checkpoint}": no such folder (${dir}); give a Hugging Face CLIP folder or ${SYNTH_CLIP_CHECKPOINT}`)
  if (!existsSync(join(dir, 'config.json'))) throw new Error(`checkpoint "${checkpoint}": ${dir} has no config.json (is it a Hugging Face CLIP model folder?)`)
  return dir
}

/**
 * Where `stdd synth pretrain-clip` writes by default: the repository's `resources/models/synth-clip`
 * (the nearest `resources/` above this module). Throws when no repository is found.
 */
export function defaultSynthClipDir(from?: string): string {
  const root = resourceRoots(from)[0]
  if (!root) throw new Error('no resources/models folder above the program (not run from the repository?); pass --out DIR')
  return join(root, 'models', BUILTIN_MODELS['synth-clip']!)
}
