import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The application's package name: its folder is the one whose package.json says so. */
const APP_PACKAGE = 'stdd-explorer'

/**
 * The commit the built bundle was made from (with `+dirty` when the tree had changes), written in by
 * electron.vite.config.ts at build time; not defined when the sources run directly (tsx, tests).
 */
declare const __STDD_BUILD_COMMIT__: string | null | undefined

/** The application's own folder: the nearest folder above `from` whose package.json is this app's. */
export function appFolder(from = dirname(fileURLToPath(import.meta.url))): string | null {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json')
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: unknown }).name === APP_PACKAGE) return dir
      } catch {
        // not JSON: keep walking up
      }
    }
    if (dirname(dir) === dir) return null
  }
}

/** The commit checked out in `folder`, with `+dirty` when tracked files have changes; null when it is not a git work tree. */
export function commitOf(folder: string): string | null {
  const head = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: folder, encoding: 'utf8', timeout: 5000 })
  if (head.status !== 0) return null
  const dirty = spawnSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: folder, encoding: 'utf8', timeout: 5000 })
  return head.stdout.trim() + (dirty.stdout.trim() ? '+dirty' : '')
}

/**
 * The commit of the application's code (recorded with each run): the one the bundle was built from,
 * or, running from sources, the one checked out in the app's own folder. Never the commit of the
 * folder the user happens to run `stdd` in.
 */
export function gitCommit(): string | null {
  if (typeof __STDD_BUILD_COMMIT__ !== 'undefined') return __STDD_BUILD_COMMIT__
  const folder = appFolder()
  return folder ? commitOf(folder) : null
}
