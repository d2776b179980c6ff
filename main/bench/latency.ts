import type { ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { spawnServe, type ServeInfo } from '../cli/serve-child'
import { Engine } from '../engine/engine'
import type { BenchRow, BenchSuite } from './types'

const TARGET_P99_MS = 100
/** Pause between two timed commands. */
const GAP_MS = 25

function repoRoot(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'bin', 'stdd.mjs'))) return dir
    if (dirname(dir) === dir) throw new Error('cannot find the repository root (bin/stdd.mjs) above the bench module')
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** Nearest-rank percentile. */
function percentile(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!
}

function row(name: string, samples: number[], extra: Record<string, number | string> = {}): BenchRow {
  const p99 = percentile(samples, 99)
  return { name, ms: percentile(samples, 50), extra: { p99Ms: p99, maxMs: Math.max(...samples), n: samples.length, ...extra } }
}

/** Times `invoke` back to back (with a short gap) until `done()` says stop, or `count` samples. */
async function sample(invoke: () => Promise<unknown>, until: { count?: number; done?: () => Promise<boolean> }): Promise<number[]> {
  const out: number[] = []
  for (let i = 0; until.count === undefined || i < until.count; i++) {
    const t = performance.now()
    await invoke()
    out.push(performance.now() - t)
    if (until.done && i % 10 === 9 && (await until.done())) break
    await sleep(GAP_MS)
  }
  return out
}

async function apiInvoke(server: ServeInfo, command: string, input: unknown): Promise<unknown> {
  const res = await fetch(`${server.url}api/invoke`, { method: 'POST', headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ command, input }) })
  const body = (await res.json()) as { ok: boolean; value?: unknown; error?: { message: string } }
  if (!body.ok) throw new Error(`${command}: ${body.error?.message}`)
  return body.value
}

/**
 * How long a command waits while a run trains: `runs.list` sent to `stdd serve` over HTTP every
 * 25 ms, idle and while experiments/smoke.yaml trains and evaluates in its worker process; and, for
 * comparison, the same command invoked in an engine that trains on its own thread (runs in process,
 * as every run did before run workers).
 */
export const latencyBench: BenchSuite = {
  name: 'latency',
  description: `command latency (runs.list) while a run trains: stdd serve with run workers (target p99 ≤ ${TARGET_P99_MS} ms), and an engine that trains on its own thread`,
  async run({ quick, log }) {
    const root = repoRoot()
    if (!existsSync(join(root, 'out', 'main', 'cli.js'))) throw new Error('the CLI is not built; run "npm run build" first')
    const smoke = join(root, 'experiments', 'smoke.yaml')
    const rows: BenchRow[] = []
    const dataDir = mkdtempSync(join(tmpdir(), 'stdd-bench-latency-'))
    let serve: ChildProcess | null = null
    try {
      const started = await spawnServe(root, join(dataDir, 'serve'), [], 'ignore')
      serve = started.serve
      const server = started.info
      log(`stdd serve at ${server.url}`)
      const probe = () => apiInvoke(server, 'runs.list', {})
      const idle = await sample(probe, { count: quick ? 20 : 200 })
      rows.push(row('stdd serve, idle: runs.list over HTTP', idle))
      const { runs } = (await apiInvoke(server, 'runs.launch', { file: smoke })) as { runs: { id: number }[] }
      const id = runs[0]!.id
      const status = async (): Promise<string> => ((await apiInvoke(server, 'runs.get', { id })) as { status: string }).status
      const t0 = performance.now()
      const busy = await sample(probe, { done: async () => !['queued', 'running'].includes(await status()) })
      const ended = await status()
      log(`the run ended ${ended} after ${((performance.now() - t0) / 1000).toFixed(1)} s; ${busy.length} commands timed meanwhile`)
      if (ended !== 'done') throw new Error(`the smoke run ended ${ended}; see ${join(dataDir, 'serve', 'runs', String(id), 'worker.log')}`)
      const p99 = percentile(busy, 99)
      rows.push(row('stdd serve, a run training in its worker: runs.list over HTTP', busy, { targetP99Ms: TARGET_P99_MS, ok: p99 <= TARGET_P99_MS ? 'yes' : 'NO' }))
    } finally {
      if (serve && serve.exitCode === null) {
        serve.kill('SIGINT')
        await new Promise((r) => serve!.once('exit', r))
      }
    }
    if (!quick) {
      // Before run workers: the run trains on the engine's own thread.
      const engine = await Engine.start({ dataDir: join(dataDir, 'in-process'), runsInProcess: true })
      try {
        await engine.whenBackendReady()
        const { loadExperimentFile } = await import('../engine/experiments/resolve')
        const [run] = engine.runs.launch(loadExperimentFile(smoke)).runs
        let finished = false
        const running = engine.runs.runOnly([run!.id]).then(() => (finished = true))
        const busy = await sample(() => engine.invoke('runs.list', {}), { done: async () => finished })
        await running
        rows.push(row('engine training on its own thread (before run workers): runs.list', busy))
      } finally {
        engine.close()
      }
    }
    rmSync(dataDir, { recursive: true, force: true })
    return rows
  },
}
