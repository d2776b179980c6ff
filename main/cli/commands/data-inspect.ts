import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { loadDatasetSplit } from '../../engine/data/adapters'
import { loadEvalClip, REFERENCE_CLIP, type ClipOptions } from '../../engine/data/sampling/clip'
import { SYNTH_MANIFEST, type SynthManifest } from '../../engine/data/synth/writer'
import { DataError } from '../../engine/data/errors'
import { DATASET_NAMES, type DatasetName, type VideoList } from '../../engine/data/types'
import { CliUsageError, type CliCommand } from '../types'

interface SampleReport {
  path: string
  ok: boolean
  error?: string
  width?: number
  height?: number
  frameCount?: number
  fps?: number
  shape?: number[]
  indices?: number[][]
  ms?: number
}

function classCounts(list: VideoList): { min: number; max: number; empty: string[] } {
  const counts = new Array<number>(list.classes.length).fill(0)
  for (const it of list.items) counts[it.label]!++
  return { min: Math.min(...counts), max: Math.max(...counts), empty: list.classes.filter((_, i) => counts[i] === 0) }
}

/** The reference clip recipe; for a SynthMotion folder, its own frame sampling (its videos are short). */
function clipOptions(root: string): ClipOptions {
  const manifest = join(root, SYNTH_MANIFEST)
  if (!existsSync(manifest)) return REFERENCE_CLIP
  const temporal = (JSON.parse(readFileSync(manifest, 'utf8')) as Partial<SynthManifest>).temporal
  return temporal ? { ...REFERENCE_CLIP, temporal } : REFERENCE_CLIP
}

async function decodeSample(list: VideoList, n: number, options: ClipOptions): Promise<SampleReport[]> {
  const picks = Array.from({ length: Math.min(n, list.items.length) }, (_, k) => list.items[Math.floor((k * list.items.length) / n)]!)
  const out: SampleReport[] = []
  for (const item of picks) {
    const t0 = performance.now()
    try {
      const clip = await loadEvalClip(item, options)
      out.push({ path: item.path, ok: true, width: clip.info.width, height: clip.info.height, frameCount: clip.info.frameCount, fps: clip.info.fps, shape: clip.shape, indices: clip.indices, ms: performance.now() - t0 })
    } catch (err) {
      if (!(err instanceof DataError)) throw err // e.g. ffmpeg missing: one message, not one per sample
      out.push({ path: item.path, ok: false, error: err.message })
    }
  }
  return out
}

export const dataInspectCommand: CliCommand = {
  name: 'data inspect',
  summary: 'check a downloaded data set: classes, videos, missing files, and decode a sample',
  usage: `ROOT --dataset ${DATASET_NAMES.join('|')} [--split K] [--samples N] [--json]`,
  details: [
    '--dataset NAME   ucf101 and hmdb51: official split lists or the authors\' zs_label_db split folders; k400: official CSV (kinetics-400_val.csv, validate.csv …) or class folders; k600: zero-shot splits',
    '--split K        1, 2 or 3 (k400: train, val or test; default 1 / val)',
    '--samples N      videos to decode as the evaluation would (3 × 8 frames at 224², default 1; 0 skips)',
    '--json           print one JSON object',
    'Exit status 1 when videos are missing or a sample does not decode.',
  ],
  options: { dataset: { type: 'string' }, split: { type: 'string' }, samples: { type: 'string' }, json: { type: 'boolean' } },
  positionals: true,
  async run({ values, positionals }, { io }) {
    if (positionals.length !== 1) throw new CliUsageError('give exactly one ROOT folder')
    const dataset = values.dataset
    if (typeof dataset !== 'string' || !(DATASET_NAMES as readonly string[]).includes(dataset)) throw new CliUsageError(`--dataset must be one of ${DATASET_NAMES.join(', ')} (got ${dataset === undefined ? 'nothing' : `"${String(dataset)}"`})`)
    const samples = values.samples === undefined ? 1 : Number(values.samples)
    if (!Number.isInteger(samples) || samples < 0) throw new CliUsageError(`--samples must be a non-negative integer (got "${String(values.samples)}")`)
    const root = resolve(positionals[0]!)
    const list = loadDatasetSplit(root, dataset as DatasetName, values.split as string | undefined)
    const counts = classCounts(list)
    const decoded = samples > 0 && list.items.length > 0 ? await decodeSample(list, samples, clipOptions(root)) : []
    const ok = list.missing.length === 0 && decoded.every((d) => d.ok)
    if (values.json) {
      io.out(JSON.stringify({ root, dataset, description: list.description, notes: list.notes ?? [], classes: list.classes.length, videos: list.items.length + list.missing.length, onDisk: list.items.length, missing: list.missing.map((m) => ({ path: m.path, source: m.source })), perClass: counts, samples: decoded, ok }, null, 2))
      return ok ? 0 : 1
    }
    const lines = [
      `${list.description} at ${root}`,
      ...(list.notes ?? []).map((n) => `note: ${n}`),
      `classes: ${list.classes.length} (${list.classes.slice(0, 3).join(', ')}${list.classes.length > 3 ? ', …' : ''})`,
      `videos: ${list.items.length + list.missing.length} listed, ${list.items.length} on disk, ${list.missing.length} missing`,
      `per class on disk: ${counts.min}–${counts.max}${counts.empty.length ? `; none for ${counts.empty.length} class(es): ${counts.empty.slice(0, 5).join(', ')}` : ''}`,
      ...list.missing.slice(0, 5).map((m) => `  missing: ${m.path} (listed at ${m.source})`),
      ...(list.missing.length > 5 ? [`  … and ${list.missing.length - 5} more`] : []),
      ...decoded.map((d) =>
        d.ok
          ? `decoded ${d.path}: ${d.width}×${d.height}, ${d.frameCount} frames at ${Number(d.fps?.toFixed(3))} fps → [${d.shape?.join(', ')}] in ${d.ms?.toFixed(0)} ms (frames ${d.indices?.map((v) => v.join(',')).join(' | ')})`
          : `CANNOT DECODE ${d.error}`,
      ),
      ok ? 'ok' : 'problems found (see above)',
    ]
    io.out(lines.join('\n'))
    return ok ? 0 : 1
  },
}
