import { spawnSync } from 'node:child_process'
import { hostname } from 'node:os'

/** The git commit of the working tree the engine runs from, with `+dirty` when it has changes. */
export function gitCommit(cwd = process.cwd()): string | null {
  const head = spawnSync('git', ['rev-parse', 'HEAD'], { cwd, encoding: 'utf8', timeout: 5000 })
  if (head.status !== 0) return null
  const dirty = spawnSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd, encoding: 'utf8', timeout: 5000 })
  return head.stdout.trim() + (dirty.stdout.trim() ? '+dirty' : '')
}

export function hostName(): string {
  return hostname()
}
