#!/usr/bin/env node
// `npm start`: builds what changed, then opens the desktop app. Where the Electron binary is missing
// or cannot start (a server, a container), it says so in one line and serves the same UI instead.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = dirname(dirname(fileURLToPath(import.meta.url)))
const SOURCES = ['main', 'preload', 'renderer', 'contract']
const BUILT = join(root, 'out', 'main', 'cli.js')

function newestMtime(dir) {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs)
  }
  return newest
}

function buildIfStale() {
  const built = existsSync(BUILT) && existsSync(join(root, 'out', 'renderer', 'index.html')) ? statSync(BUILT).mtimeMs : 0
  if (built > Math.max(...SOURCES.map((d) => newestMtime(join(root, d))))) return
  process.stderr.write('Building STDD Explorer…\n')
  const r = spawnSync(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] })
  if (r.status !== 0) {
    process.stderr.write('The build failed; run "npm run build" to see why.\n')
    process.exit(1)
  }
}

/** The Electron executable, without triggering electron's lazy download (it fails offline). */
function electronBinary() {
  const pkg = join(root, 'node_modules', 'electron')
  const pathFile = join(pkg, 'path.txt')
  if (!existsSync(pathFile)) return { missing: 'node_modules/electron has no downloaded binary ("npx install-electron" fetches it where there is internet)' }
  const bin = join(pkg, 'dist', readFileSync(pathFile, 'utf8').trim())
  return existsSync(bin) ? { bin } : { missing: `${bin} does not exist` }
}

async function serveInstead(reason) {
  process.stderr.write(`Electron cannot start: ${reason} — serving the explorer to your browser instead.\n`)
  process.argv = [process.argv[0], join(root, 'bin', 'stdd.mjs'), 'serve', ...process.argv.slice(2)]
  await import(BUILT)
}

buildIfStale()
const electron = electronBinary()
if (electron.missing) {
  await serveInstead(electron.missing)
} else {
  const started = Date.now()
  const child = spawn(electron.bin, [root, ...process.argv.slice(2)], { stdio: ['ignore', 'inherit', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', (d) => {
    stderr += d
    process.stderr.write(d)
  })
  child.on('error', (err) => void serveInstead(err.message))
  child.on('exit', (code, signal) => {
    // A crash right at start (no display, missing libraries) falls back; a normal quit just ends.
    if (code !== 0 && Date.now() - started < 10_000) void serveInstead(`${stderr.trim().split('\n').pop() || `exit ${code ?? signal}`}`)
    else process.exit(code ?? 0)
  })
}
