import { resolve } from 'node:path'
import { writeSynthDataset } from '../../engine/data/synth/writer'
import { SYNTH_DEFAULT_FRAMES, SYNTH_DEFAULT_SIZE } from '../../engine/data/synth/generate'
import { CliUsageError, type CliCommand } from '../types'

function intOption(value: unknown, option: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback
  const n = Number(value)
  if (typeof value !== 'string' || !/^\d+$/.test(value) || n < min || n > max) throw new CliUsageError(`${option} must be an integer in ${min}…${max} (got "${String(value)}")`)
  return n
}

export const synthMakeCommand: CliCommand = {
  name: 'synth make',
  summary: 'write the SynthMotion data set (moving shapes) as real videos in the UCF101 layout',
  usage: '--out DIR [--seed S] [--looks 1|2|3] [--unseen-groups N] [--size 64] [--frames 16] [--per-class N] [--fps 30] [--force] [--json]',
  details: [
    '--out DIR        output folder (must be empty unless --force)',
    '--seed S         world seed: seen/unseen split and every video (default 0)',
    '--looks L        colour × scene looks per object × motion pair, 1–3: 12, 24 or 36 twin groups (default 1)',
    '--unseen-groups N  twin groups held out as unseen classes (default 4)',
    `--size PX        frame side, even (default ${SYNTH_DEFAULT_SIZE})`,
    `--frames T       frames per video (default ${SYNTH_DEFAULT_FRAMES})`,
    '--per-class N    videos per class, ≥ 3 (default 10)',
    '--fps F          frame rate written into the videos (default 30)',
    'Then: stdd data inspect DIR --dataset ucf101',
  ],
  options: {
    out: { type: 'string' },
    seed: { type: 'string' },
    looks: { type: 'string' },
    'unseen-groups': { type: 'string' },
    size: { type: 'string' },
    frames: { type: 'string' },
    'per-class': { type: 'string' },
    fps: { type: 'string' },
    force: { type: 'boolean' },
    json: { type: 'boolean' },
  },
  async run({ values }, { io }) {
    if (typeof values.out !== 'string' || !values.out) throw new CliUsageError('--out DIR is required')
    const size = intOption(values.size, '--size', SYNTH_DEFAULT_SIZE, 8, 512)
    if (size % 2) throw new CliUsageError(`--size must be even (got ${size})`)
    const outDir = resolve(values.out)
    const t0 = performance.now()
    let lastShown = 0
    const manifest = await writeSynthDataset({
      outDir,
      seed: intOption(values.seed, '--seed', 0, 0, Number.MAX_SAFE_INTEGER),
      looks: intOption(values.looks, '--looks', 1, 1, 3),
      unseenGroups: intOption(values['unseen-groups'], '--unseen-groups', 4, 1, 32),
      size,
      frames: intOption(values.frames, '--frames', SYNTH_DEFAULT_FRAMES, 2, 1024),
      perClass: intOption(values['per-class'], '--per-class', 10, 3, 65536),
      fps: intOption(values.fps, '--fps', 30, 1, 240),
      force: Boolean(values.force),
      onProgress: (done, total) => {
        if (done === total || performance.now() - lastShown > 1000) {
          lastShown = performance.now()
          io.err(`encoded ${done}/${total} videos`)
        }
      },
    })
    const seconds = (performance.now() - t0) / 1000
    if (values.json) {
      io.out(JSON.stringify({ outDir, seed: manifest.seed, classes: manifest.classes.length, seen: manifest.seen, unseen: manifest.unseen, videos: manifest.videos.length, seconds }, null, 2))
      return 0
    }
    io.out(
      [
        `SynthMotion written to ${outDir} in ${seconds.toFixed(1)} s`,
        `${manifest.classes.length} classes (${manifest.seen.length} seen, ${manifest.unseen.length} unseen), ${manifest.videos.length} videos of ${manifest.frames} frames at ${manifest.size}×${manifest.size}`,
        `unseen: ${manifest.unseen.map((i) => manifest.classes[i]!.name).join(', ')}`,
        `layout: UCF-101/<Class>/*.avi, ucfTrainTestlist/{classInd,trainlist0k,testlist0k}.txt, synthmotion.json`,
        `check it: stdd data inspect ${outDir} --dataset ucf101`,
      ].join('\n'),
    )
    return 0
  },
}
