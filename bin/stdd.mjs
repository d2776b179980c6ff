#!/usr/bin/env node
// The `stdd` command: runs the built CLI, building it first when the build is missing.
import { existsSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = dirname(dirname(fileURLToPath(import.meta.url)))
const cli = join(root, 'out', 'main', 'cli.js')
if (!existsSync(cli)) {
  process.stderr.write('stdd: first run, building the application (npm run build)…\n')
  const build = spawnSync(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  if (build.status !== 0) {
    process.stderr.write('stdd: the build failed; run "npm run build" to see why.\n')
    process.exit(1)
  }
}
await import(cli)
