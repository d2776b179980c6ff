#!/usr/bin/env node
// Builds native/gemm/build/stdd_gemm.node (the optional BLAS matrix-product addon) with the C compiler,
// Node's own headers and the system OpenBLAS. Run by `npm install`/`npm ci` (postinstall) and by hand:
//   node native/gemm/build.mjs
// It never fails the install: without a compiler, Node headers or libopenblas-dev it prints why and
// exits 0; the engine then uses the pure-WASM matrix products (see main/engine/tf/gemm.ts).
// Debian: apt-get install build-essential libopenblas-dev
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const out = join(here, 'build', 'stdd_gemm.node')
const say = (line) => console.log(`stdd gemm addon: ${line}`)

function nodeHeaders() {
  const candidates = [process.env.npm_config_nodedir && join(process.env.npm_config_nodedir, 'include', 'node'), join(dirname(process.execPath), '..', 'include', 'node')]
  return candidates.find((d) => d && existsSync(join(d, 'node_api.h')))
}

function build() {
  if (process.platform !== 'linux') return 'only built on Linux (elsewhere the WASM matrix products are used)'
  if (process.env.STDD_GEMM === 'wasm') return 'skipped: STDD_GEMM=wasm'
  const include = nodeHeaders()
  if (!include) return `Node's headers (node_api.h) not found next to ${process.execPath}; install Node with its headers or set npm_config_nodedir`
  const cc = process.env.CC || 'cc'
  const tmp = `${out}.tmp`
  // A failed build leaves no addon at all, never a stale one built from older sources.
  rmSync(out, { force: true })
  mkdirSync(dirname(out), { recursive: true })
  const sources = ['gemm.c', 'parallel.c', 'attention.c', 'row_scale.c'].map((f) => join(here, f))
  // -fno-trapping-math lets the softmax's selects (max, clamp) vectorise; nothing here reads FP exceptions.
  const args = ['-O3', '-fno-trapping-math', '-fPIC', '-shared', '-Wall', `-I${include}`, '-I/usr/include/x86_64-linux-gnu/openblas-pthread', ...sources, '-o', tmp, '-lopenblas', '-lpthread']
  const r = spawnSync(cc, args, { encoding: 'utf8' })
  if (r.error) return `no C compiler (${cc}: ${r.error.message}); Debian: apt-get install build-essential`
  if (r.status !== 0) {
    rmSync(tmp, { force: true })
    const why = /cblas\.h|lopenblas/.test(r.stderr) ? 'OpenBLAS is not installed (Debian: apt-get install libopenblas-dev)' : r.stderr.trim().split('\n').slice(-3).join(' | ') || `${cc} exited with ${r.status}`
    return `not built: ${why}`
  }
  renameSync(tmp, out)
  return null
}

const why = build()
if (why) say(`${why}. The engine will use the WASM matrix products.`)
else say(`built ${out}`)
