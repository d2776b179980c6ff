#!/usr/bin/env node
// Builds `.gpu/` at the repository root: everything `tools/gpu/run.sh` needs to run the `stdd` CLI on
// a machine without Node.js or node_modules (the remote GPU machine). See tools/gpu/README.md.
//
//   node tools/gpu/pack.mjs [--force-node]
//
// .gpu/node.xz       this machine's Node 20 binary (/usr/bin/node, stripped), xz-compressed
// .gpu/app.tar.xz    app/main/cli.mjs (the CLI, bundled by esbuild from main/cli.ts) and a tiny
//                    app/node_modules with only what the bundle loads by path: webgpu (dawn.node,
//                    linux-x64 only), better-sqlite3 (+ bindings, file-uri-to-path), the .wasm files
//                    of @tensorflow/tfjs-backend-wasm, and two package.json files for version reports
// .gpu/MANIFEST.txt  what was packed, from which commit, sizes and sha256
//
// run.sh unpacks app.tar.xz into .gpu/app/ (inside the repository, so the bundle still finds
// resources/models and experiments/ by walking up) and node into /tmp. Nothing here writes to out/.
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = dirname(dirname(dirname(fileURLToPath(import.meta.url))))
const gpu = join(root, '.gpu')
const nm = join(root, 'node_modules')
const NODE_BIN = process.env.STDD_PACK_NODE ?? '/usr/bin/node'
const forceNode = process.argv.includes('--force-node')
const MiB = 2 ** 20

const log = (line) => process.stdout.write(line + '\n')
const sh = (cmd, args, opts = {}) => execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', ...opts })
const sha256 = (file) => createHash('sha256').update(readFileSync(file)).digest('hex')
const mib = (bytes) => `${(bytes / MiB).toFixed(1)} MiB`

function need(path, what) {
  if (!existsSync(path)) throw new Error(`missing ${what}: ${path} (run "npm ci" first?)`)
  return path
}

if (process.platform !== 'linux' || process.arch !== 'x64') throw new Error(`pack for linux-x64 only (this is ${process.platform}-${process.arch})`)
const nodeVersion = sh(NODE_BIN, ['-v']).trim()
if (!nodeVersion.startsWith('v20.')) throw new Error(`${NODE_BIN} is Node ${nodeVersion}; the pack expects Node 20`)
for (const tool of ['xz', 'tar']) sh('sh', ['-c', `command -v ${tool}`])

mkdirSync(gpu, { recursive: true })
const stage = mkdtempSync(join(tmpdir(), 'stdd-gpu-pack-'))
const app = join(stage, 'app')

try {
  // 1. The CLI bundle. Everything pure JS (tfjs and its backends, yaml, zod, ws, tokenizers) is
  //    bundled; native addons stay external and live in app/node_modules. tfjs-node(-gpu) are not
  //    installed here and stay external (backend.ts reports them "not installed").
  const esbuild = await import('esbuild')
  const started = Date.now()
  const bundleOne = (entry, outfile) =>
    esbuild.build({
    absWorkingDir: root,
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['webgpu', 'better-sqlite3', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', 'electron', '*.node'],
    // CommonJS dependencies (emscripten's wasm glue, tfjs) use require/__dirname: give the ES module both.
    banner: {
      js: [
        '/* eslint-disable */',
        '// Bundled by tools/gpu/pack.mjs from main/cli.ts: do not edit.',
        "import { createRequire as __stddCreateRequire } from 'node:module'",
        "import { fileURLToPath as __stddFileURLToPath } from 'node:url'",
        "import { dirname as __stddDirname } from 'node:path'",
        'const require = __stddCreateRequire(import.meta.url)',
        'const __filename = __stddFileURLToPath(import.meta.url)',
        'const __dirname = __stddDirname(__filename)',
      ].join('\n'),
    },
    logLevel: 'warning',
    logOverride: { 'unsupported-dynamic-import': 'silent', 'unsupported-require-call': 'silent' },
    metafile: true,
  })
  const result = await bundleOne(need(join(root, 'main', 'cli.ts'), 'the CLI entry (electron.vite.config.ts: main/cli.ts)'), join(app, 'main', 'cli.mjs'))
  // The clip worker thread, beside the CLI as in out/main (main/engine/data/clip-workers/locate.ts).
  await bundleOne(need(join(root, 'main', 'engine', 'data', 'clip-workers', 'entry.ts'), 'the clip worker entry'), join(app, 'main', 'clip-worker.js'))
  const bundle = join(app, 'main', 'cli.mjs')
  const inputs = Object.keys(result.metafile.inputs)
  const external = new Set(Object.values(result.metafile.outputs).flatMap((o) => o.imports.filter((i) => i.external).map((i) => i.path)))
  log(`bundle: main/cli.ts → app/main/cli.mjs, ${mib(statSync(bundle).size)}, ${inputs.length} inputs, ${((Date.now() - started) / 1000).toFixed(1)} s`)
  log(`  external: ${[...external].filter((p) => !p.startsWith('node:')).sort().join(', ')}`)
  if (inputs.some((p) => p.includes('node_modules/electron/'))) throw new Error('the CLI bundle pulled in electron')

  // 2. The tiny node_modules: native addons and the files loaded by path.
  const mods = join(app, 'node_modules')
  const copy = (from, to = from) => {
    mkdirSync(dirname(join(mods, to)), { recursive: true })
    cpSync(need(join(nm, from), from), join(mods, to), { recursive: true, dereference: true })
  }
  const pkgJson = (name, keep) => {
    const p = JSON.parse(readFileSync(need(join(nm, name, 'package.json'), `${name}/package.json`), 'utf8'))
    mkdirSync(join(mods, name), { recursive: true })
    writeFileSync(join(mods, name, 'package.json'), JSON.stringify(Object.fromEntries(keep.filter((k) => k in p).map((k) => [k, p[k]])), null, 2) + '\n')
    return p
  }
  // webgpu: index.js (ESM, node builtins only) loads dist/<platform>-<arch>/dawn.node.
  pkgJson('webgpu', ['name', 'version', 'type', 'main', 'license'])
  copy('webgpu/index.js')
  copy('webgpu/LICENSE.md')
  copy('webgpu/dist/linux-x64/dawn.node')
  // better-sqlite3: lib/ + the addon, found through `bindings` (which needs file-uri-to-path).
  pkgJson('better-sqlite3', ['name', 'version', 'main', 'license'])
  copy('better-sqlite3/lib')
  copy('better-sqlite3/build/Release/better_sqlite3.node')
  for (const dep of ['bindings', 'file-uri-to-path']) {
    const p = pkgJson(dep, ['name', 'version', 'main', 'license'])
    copy(join(dep, p.main ?? 'index.js'))
  }
  // tfjs-backend-wasm: backend.ts resolves the package (its main file must exist) for the folder of
  // the .wasm files; the code itself is in the bundle.
  const wasm = pkgJson('@tensorflow/tfjs-backend-wasm', ['name', 'version', 'main'])
  mkdirSync(join(mods, dirname(join('@tensorflow/tfjs-backend-wasm', wasm.main))), { recursive: true })
  writeFileSync(join(mods, '@tensorflow/tfjs-backend-wasm', wasm.main), '// Placeholder: resolved for its folder (the .wasm files beside it); the code is in app/main/cli.mjs.\n')
  for (const f of ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm']) copy(join('@tensorflow/tfjs-backend-wasm/dist', f))
  // `stdd info` reports these versions by reading their package.json.
  pkgJson('@tensorflow/tfjs', ['name', 'version'])

  // 3. Compress: app as one tar.xz, node (stripped of debug info) as node.xz, reused when unchanged.
  const appTar = join(gpu, 'app.tar.xz')
  sh('tar', ['-C', stage, '--owner=0', '--group=0', '-cf', join(stage, 'app.tar'), 'app'])
  sh('xz', ['-T0', '-6', '-f', join(stage, 'app.tar')])
  cpSync(join(stage, 'app.tar.xz'), appTar)
  log(`app:    .gpu/app.tar.xz ${mib(statSync(appTar).size)} (unpacked ${sh('du', ['-sh', app]).split('\t')[0]})`)

  const nodeXz = join(gpu, 'node.xz')
  const nodeStamp = join(gpu, 'node.stamp')
  const stamp = `${NODE_BIN} ${nodeVersion} ${statSync(NODE_BIN).size} ${statSync(NODE_BIN).mtimeMs}`
  if (!forceNode && existsSync(nodeXz) && existsSync(nodeStamp) && readFileSync(nodeStamp, 'utf8') === stamp) {
    log(`node:   .gpu/node.xz ${mib(statSync(nodeXz).size)} (kept: same ${NODE_BIN}; --force-node redoes it)`)
  } else {
    const stripped = join(stage, 'node')
    try {
      sh('strip', ['-o', stripped, NODE_BIN])
    } catch {
      cpSync(NODE_BIN, stripped)
    }
    if (sh(stripped, ['-v']).trim() !== nodeVersion) throw new Error('the stripped node does not run')
    log(`node:   compressing ${mib(statSync(stripped).size)} (about a minute)…`)
    sh('xz', ['-T0', '-9', '-f', stripped])
    cpSync(`${stripped}.xz`, nodeXz)
    writeFileSync(nodeStamp, stamp)
    log(`node:   .gpu/node.xz ${mib(statSync(nodeXz).size)} (${nodeVersion})`)
  }

  // 4. Manifest and the size check: what travels is the working tree + .gpu + .gl.
  let head = 'unknown'
  let dirty = ''
  try {
    head = sh('git', ['-C', root, 'rev-parse', '--short', 'HEAD']).trim()
    dirty = sh('git', ['-C', root, 'status', '--porcelain', '--untracked-files=no']).trim()
  } catch {
    /* not a git checkout */
  }
  const packed = ['node.xz', 'app.tar.xz'].map((f) => `${f}  ${statSync(join(gpu, f)).size} bytes  sha256 ${sha256(join(gpu, f))}`)
  writeFileSync(
    join(gpu, 'MANIFEST.txt'),
    [
      `stdd GPU pack, made ${new Date().toISOString()} by tools/gpu/pack.mjs`,
      `source: commit ${head}${dirty ? ` + uncommitted changes in ${dirty.split('\n').length} tracked file(s)` : ''}`,
      `node: ${nodeVersion} (${NODE_BIN}, stripped)`,
      `webgpu ${JSON.parse(readFileSync(join(nm, 'webgpu/package.json'), 'utf8')).version}, @tensorflow/tfjs ${JSON.parse(readFileSync(join(nm, '@tensorflow/tfjs/package.json'), 'utf8')).version}, esbuild ${esbuild.version}`,
      ...packed,
      '',
    ].join('\n'),
  )

  const bytesOf = (paths) => paths.reduce((n, p) => n + (existsSync(p) ? statSync(p).size : 0), 0)
  const listed = (args) => sh('git', ['-C', root, 'ls-files', '-z', ...args]).split('\0').filter(Boolean).map((p) => join(root, p))
  const tree = bytesOf([...listed([]), ...listed(['--others', '--exclude-standard'])])
  const duBytes = (dir) => (existsSync(dir) ? Number(sh('du', ['-sb', dir]).split('\t')[0]) : 0)
  const gl = duBytes(join(root, '.gl'))
  const total = tree + duBytes(gpu) + gl
  log(`sizes:  working tree ${mib(tree)} + .gpu ${mib(duBytes(gpu))} + .gl ${mib(gl)} = ${mib(total)} (limit 64 MiB)`)
  if (!gl) log('warning: no .gl/ (the Vulkan loader debs): see tools/gpu/README.md')
  if (total > 60 * MiB) throw new Error(`what travels is ${mib(total)}: over 60 MiB`)
  log(`done:   ${relative(process.cwd(), gpu) || '.'}/ is ready; run "bash tools/gpu/run.sh" on the GPU machine`)
} finally {
  rmSync(stage, { recursive: true, force: true })
}
