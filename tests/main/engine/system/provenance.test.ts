import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { appFolder, commitOf, gitCommit } from '../../../../main/engine/system/provenance'
import { tempDir } from '../../../helpers/temp-dir'

const ROOT = resolve(import.meta.dirname, '../../../..')
const git = (cwd: string, ...args: string[]) => spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd, encoding: 'utf8' })

/** A git repository of its own, with one commit. */
function otherRepo(): { path: string; remove(): void } {
  const dir = tempDir('provenance-')
  git(dir.path, 'init', '-q')
  writeFileSync(join(dir.path, 'a.txt'), 'a\n')
  git(dir.path, 'add', 'a.txt')
  git(dir.path, 'commit', '-qm', 'one')
  return dir
}

describe('provenance: the commit recorded with a run', () => {
  const made: { remove(): void }[] = []
  afterEach(() => made.splice(0).forEach((d) => d.remove()))

  it("finds the app's own folder by its package.json, and no folder outside it", () => {
    expect(appFolder(import.meta.dirname)).toBe(ROOT)
    const dir = tempDir('provenance-')
    made.push(dir)
    expect(appFolder(dir.path)).toBeNull()
  })

  it('reads a commit, marks a changed tree dirty, and gives null outside a work tree', () => {
    const repo = otherRepo()
    made.push(repo)
    const head = git(repo.path, 'rev-parse', 'HEAD').stdout.trim()
    expect(commitOf(repo.path)).toBe(head)
    writeFileSync(join(repo.path, 'a.txt'), 'changed\n')
    expect(commitOf(repo.path)).toBe(`${head}+dirty`)
    const plain = tempDir('provenance-')
    made.push(plain)
    expect(commitOf(plain.path)).toBeNull()
  })

  it("is the app's commit, not the commit of the folder stdd runs in", () => {
    const repo = otherRepo()
    made.push(repo)
    const script = `import(${JSON.stringify(pathToFileURL(join(ROOT, 'main/engine/system/provenance.ts')).href)}).then((m) => console.log(m.gitCommit()))`
    const child = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), '-e', script], { cwd: repo.path, encoding: 'utf8', timeout: 60_000 })
    expect(child.stderr).toBe('')
    expect(child.stdout.trim()).toBe(commitOf(ROOT))
    expect(child.stdout.trim()).toBe(gitCommit())
  })
})
