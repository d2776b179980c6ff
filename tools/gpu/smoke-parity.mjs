#!/usr/bin/env node
// The smoke experiment on WebGPU against the CPU reference (WASM), step by step. Run from the repository
// root after `npm run build`, with a WebGPU adapter allowed (on a machine without a GPU:
// eval "$(bash tools/gpu/lavapipe.sh)"):   node tools/gpu/smoke-parity.mjs [--full]
//
// By default a shortened smoke (1 epoch of 8 steps, 1 video per class in the evaluation) keeps it to a few
// minutes on lavapipe; --full runs experiments/smoke.yaml as it is. Exit 0 when the runs agree:
//  - every step's loss, CE and FD (computed before that step's update) within 1e-4 relative, and every
//    gradient norm too, until the first step whose gradient norms part by more than 1e-4: STDD's alignment
//    takes a max over frames and prompts, so where two scores nearly tie, float32 rounding (the backends
//    sum in different orders) may send the gradient down another branch; the runs then follow two valid
//    trajectories, compared from there on within 2e-2 (losses) — that first step must not come before step 3;
//  - the zero-shot top-1 within one video.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'

const full = process.argv.includes('--full')
const sets = full ? [] : ['--set', 'train.epochs=1', '--set', 'eval.0.synth.videosPerClass=1']
const root = mkdtempSync(join(tmpdir(), 'stdd-smoke-parity-'))
const TIGHT = 1e-4
const LOOSE = 2e-2

function run(backend) {
  const dir = join(root, backend)
  const t0 = Date.now()
  const r = spawnSync(process.execPath, ['bin/stdd.mjs', 'run', 'experiments/smoke.yaml', ...sets, '--backend', backend, '--data-dir', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
  const seconds = (Date.now() - t0) / 1000
  if (r.status !== 0) {
    process.stderr.write(r.stdout + r.stderr)
    throw new Error(`the smoke run on ${backend} failed (exit ${r.status})`)
  }
  const db = new Database(join(dir, 'stdd.sqlite'), { readonly: true })
  const rows = db.prepare('SELECT name, step, value FROM metrics').all()
  db.close()
  console.log(`smoke on ${backend}: ${seconds.toFixed(0)} s`)
  return new Map(rows.map((m) => [`${m.name}@${m.step}`, m.value]))
}

function rel(a, b) {
  return Math.abs(a - b) / Math.max(Math.abs(b), 1e-6)
}

let failed = false
try {
  const ref = run('wasm')
  const gpu = run('webgpu')
  const steps = [...ref.keys()].filter((k) => k.startsWith('train/loss@')).map((k) => Number(k.split('@')[1])).sort((a, b) => a - b)
  let parted = null
  console.log('step  loss (cpu / webgpu)          CE rel.   FD rel.   grad-norm rel.')
  for (const s of steps) {
    const get = (m) => [gpu.get(`train/${m}@${s}`), ref.get(`train/${m}@${s}`)]
    const losses = ['loss', 'ce', 'fd'].map((m) => get(m)).filter(([g, r]) => r !== undefined && g !== undefined)
    const lossErr = Math.max(...losses.map(([g, r]) => rel(g, r)))
    const [gg, gr] = get('grad_norm')
    const gradErr = rel(gg, gr)
    const tol = parted === null ? TIGHT : LOOSE
    const ok = lossErr <= tol && (parted !== null || gradErr <= TIGHT || s >= 3)
    if (parted === null && gradErr > TIGHT) parted = s
    if (!ok) failed = true
    const [lg, lr] = get('loss')
    console.log(`${String(s).padStart(4)}  ${lr.toFixed(7)} / ${lg.toFixed(7)}   ${rel(...get('ce')).toExponential(1)}   ${rel(...get('fd')).toExponential(1)}   ${gradErr.toExponential(1)}${ok ? '' : '   <-- beyond tolerance'}`)
  }
  if (parted !== null) console.log(`gradient norms part from step ${parted} on (most likely a near-tie in the alignment's max; later steps compared within ${LOOSE})`)
  for (const key of [...ref.keys()].filter((k) => /^eval\/.*\/top1@/.test(k))) {
    const videos = ref.get(key.replace('/top1@', '/videos@'))
    const [g, r] = [gpu.get(key), ref.get(key)]
    const ok = g !== undefined && Math.abs(g - r) <= 100 / videos + 1e-9
    if (!ok) failed = true
    console.log(`${key}: cpu ${r.toFixed(2)} %, webgpu ${g?.toFixed(2)} % over ${videos} videos${ok ? '' : '   <-- more than one video apart'}`)
  }
} finally {
  rmSync(root, { recursive: true, force: true })
}
console.log(failed ? 'smoke parity: FAILED' : 'smoke parity: webgpu matches the CPU reference')
process.exit(failed ? 1 : 0)
