import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/**
 * A built UI folder in `root`/renderer (index.html, assets/app.js) for the servers that serve it,
 * with `root`/secret.txt beside it: a file outside the folder that must never be served.
 */
export function writeFakeUi(root: string): string {
  const ui = join(root, 'renderer')
  mkdirSync(join(ui, 'assets'), { recursive: true })
  writeFileSync(join(ui, 'index.html'), '<!doctype html><title>STDD</title>')
  writeFileSync(join(ui, 'assets', 'app.js'), 'console.log(1)')
  writeFileSync(join(root, 'secret.txt'), 'do not serve')
  return ui
}
