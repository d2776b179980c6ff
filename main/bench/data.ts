import { mkdtempSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { ClipWorkerPool } from '../engine/data/clip-workers/pool'
import { loadEvalClip, REFERENCE_CLIP, type Clip } from '../engine/data/sampling/clip'
import { evalIndices } from '../engine/data/sampling/temporal'
import { evalPlan } from '../engine/data/sampling/spatial'
import { newPrefetchStats, prefetch } from '../engine/data/prefetch'
import { normalize } from '../engine/data/sampling/transforms'
import { openVideo } from '../engine/data/video/source'
import { runProcess } from '../engine/data/video/run-process'
import { ffmpegTools } from '../engine/data/video/tools'
import type { VideoItem } from '../engine/data/types'
import type { BenchRow, BenchSuite } from './types'

const DECODE_TARGET_MS = 600
/** A model step that is short for real CLIP on a CPU (ViT-B/16 over 3 × 8 frames takes seconds), so decoding is hard to hide. */
const MODEL_STEP_MS = 500

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2
}

/** Keeps this thread's core busy for `ms`, like a single-threaded WASM model step. */
function busy(ms: number): void {
  const end = performance.now() + ms
  let x = 0
  while (performance.now() < end) x += Math.sqrt(x + 1)
  if (x < 0) throw new Error('unreachable')
}

async function makeTestVideo(dir: string): Promise<string> {
  const file = join(dir, 'testsrc-10s-320x240.mp4')
  const args = ['-nostdin', '-v', 'error', '-f', 'lavfi', '-i', 'testsrc=duration=10:size=320x240:rate=30', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', `file:${file}`]
  const r = await runProcess(ffmpegTools().ffmpeg, args, { timeoutMs: 60_000 })
  if (r.code !== 0) throw new Error(`could not make the test video: ${r.stderr}`)
  return file
}

interface LoopResult {
  waitMs: number
  firstMs: number
  totalMs: number
}

/** Time the consumer waited over `n` clips, each followed by a model step; depth 0 = no prefetch (loads on this thread, one after another). */
async function evalLoop(item: VideoItem, n: number, depth: number, load: (item: VideoItem) => Promise<Clip>): Promise<LoopResult> {
  const items = Array.from({ length: n }, () => item)
  const t0 = performance.now()
  if (depth === 0) {
    let waitMs = 0
    let firstMs = 0
    for (let i = 0; i < n; i++) {
      const w0 = performance.now()
      await load(item)
      const w = performance.now() - w0
      if (i === 0) firstMs = w
      else waitMs += w
      busy(MODEL_STEP_MS)
    }
    return { waitMs, firstMs, totalMs: performance.now() - t0 }
  }
  const stats = newPrefetchStats()
  let firstMs = 0
  let i = 0
  for await (const r of prefetch(items, (it) => load(it), { depth, stats })) {
    if (!r.ok) throw r.error
    if (i++ === 0) firstMs = stats.waitMs
    busy(MODEL_STEP_MS)
  }
  return { waitMs: stats.waitMs - firstMs, firstMs, totalMs: performance.now() - t0 }
}

/** Wait per clip after the first, and the share of the time after the first clip the model step was running. */
function loopFigures(r: LoopResult, n: number): { waitPerClipMs: number; modelBusyPct: number } {
  return { waitPerClipMs: r.waitMs / (n - 1), modelBusyPct: Number(((100 * n * MODEL_STEP_MS) / (r.totalMs - r.firstMs)).toFixed(1)) }
}

export const dataBench: BenchSuite = {
  name: 'data',
  description: 'video decoding through ffmpeg (8 frames at 224² from a 10 s 320×240 clip) and background prefetch under a model step, on this thread and in a clip worker thread',
  async run(ctx) {
    const dir = mkdtempSync(join(tmpdir(), 'stdd-bench-data-'))
    try {
      const file = await makeTestVideo(dir)
      const reps = ctx.quick ? 2 : 7
      const rows: BenchRow[] = []

      const times: number[] = []
      for (let r = 0; r < reps + 1; r++) {
        const t0 = performance.now()
        const video = await openVideo(file)
        const idx = evalIndices(video.info.frameCount, video.info.fps, REFERENCE_CLIP.temporal, 1, 3)
        await video.decode(idx, evalPlan(video.info.width, video.info.height, 224))
        if (r > 0) times.push(performance.now() - t0) // the first run warms the page cache
      }
      const decodeMs = median(times)
      ctx.log(`decode 8 frames: ${times.map((t) => t.toFixed(0)).join(', ')} ms`)
      rows.push({ name: 'decode 8 frames at 224² (ffprobe + 1 ffmpeg, 10 s 320×240 H.264)', ms: decodeMs, extra: { target_ms: DECODE_TARGET_MS, verdict: decodeMs <= DECODE_TARGET_MS ? 'ok' : 'SLOW', min_ms: Math.min(...times), load_avg_1m: Number(loadavg()[0]!.toFixed(2)) } })

      const item: VideoItem = { path: file, label: 0, className: 'testsrc', source: 'bench' }
      const clipTimes: number[] = []
      for (let r = 0; r < reps; r++) {
        const t0 = performance.now()
        await loadEvalClip(item)
        clipTimes.push(performance.now() - t0)
      }
      rows.push({ name: 'evaluation clip: 3 views × 8 frames at 224², normalised (one ffmpeg)', ms: median(clipTimes) })

      const n = ctx.quick ? 4 : 8
      const normTimes: number[] = []
      const pixels = new Uint8Array(3 * 8 * 224 * 224 * 3)
      for (let r = 0; r < 5; r++) {
        const t0 = performance.now()
        normalize(pixels)
        normTimes.push(performance.now() - t0)
      }
      const seq = loopFigures(await evalLoop(item, n, 0, (it) => loadEvalClip(it)), n)
      ctx.log(`eval loop, ${n} clips, ${MODEL_STEP_MS} ms model step: sequential wait ${seq.waitPerClipMs.toFixed(0)} ms per clip`)
      const pool = new ClipWorkerPool({ workers: 1 })
      try {
        const s0 = performance.now()
        await pool.evalClip(item) // starts the worker thread
        const workerStartMs = performance.now() - s0
        for (const depth of ctx.quick ? [2] : [2, 3]) {
          const here = loopFigures(await evalLoop(item, n, depth, (it) => loadEvalClip(it)), n)
          const worker = loopFigures(await evalLoop(item, n, depth, (it) => pool.evalClip(it)), n)
          ctx.log(`  prefetch depth ${depth}: wait per clip ${here.waitPerClipMs.toFixed(0)} ms on this thread, ${worker.waitPerClipMs.toFixed(0)} ms with 1 clip worker`)
          const common = { without_prefetch_ms: Number(seq.waitPerClipMs.toFixed(1)), model_busy_pct_without: seq.modelBusyPct, clips: n, load_avg_1m: Number(loadavg()[0]!.toFixed(2)) }
          rows.push({
            name: `prefetch depth ${depth}, clips made on this thread: wait per clip after the first (3 views), ${MODEL_STEP_MS} ms model step on this thread`,
            ms: here.waitPerClipMs,
            extra: { model_busy_pct: here.modelBusyPct, normalise_on_this_thread_ms: Number(median(normTimes).toFixed(1)), ...common },
          })
          rows.push({
            name: `prefetch depth ${depth}, clips made by 1 clip worker thread: wait per clip after the first (3 views), ${MODEL_STEP_MS} ms model step on this thread`,
            ms: worker.waitPerClipMs,
            extra: { model_busy_pct: worker.modelBusyPct, in_thread_ms: Number(here.waitPerClipMs.toFixed(1)), in_thread_model_busy_pct: here.modelBusyPct, first_clip_new_worker_ms: Number(workerStartMs.toFixed(0)), ...common },
          })
        }
      } finally {
        await pool.close()
      }
      return rows
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  },
}
