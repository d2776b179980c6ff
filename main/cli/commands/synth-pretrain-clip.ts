import { resolve } from 'node:path'
import { parseBackendName } from '../../../contract/vocabulary'
import { describeBackend, selectBackend } from '../../engine/tf/backend'
import { defaultSynthClipDir } from '../../engine/synthclip/checkpoints'
import { PRETRAIN_DEFAULTS } from '../../engine/synthclip/pretrain'
import { qualityLines } from '../../engine/synthclip/quality'
import { ATTRIBUTES } from '../../engine/synthclip/quality_frames'
import { recreateSynthClip } from '../../engine/synthclip/recreate'
import { CliUsageError, type CliCommand } from '../types'

function intOption(value: unknown, option: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback
  const n = Number(value)
  if (typeof value !== 'string' || !/^\d+$/.test(value) || n < min || n > max) throw new CliUsageError(`${option} must be an integer in ${min}…${max} (got "${String(value)}")`)
  return n
}

export const synthPretrainClipCommand: CliCommand = {
  name: 'synth pretrain-clip',
  summary: 're-create SynthCLIP, the built-in tiny CLIP (builtin:synth-clip), by contrastive pretraining on SynthMotion frames',
  usage: '[--out DIR] [--steps N] [--seed S] [--size PX] [--batch N] [--check-every N] [--backend NAME]',
  details: [
    '--out DIR          output folder (default: the repository\'s resources/models/synth-clip, overwritten)',
    `--steps N          optimisation steps (default ${PRETRAIN_DEFAULTS.steps}: about 15 minutes on 2 cores)`,
    `--seed S           tokenizer-independent seed of the initial weights and the frames (default ${PRETRAIN_DEFAULTS.seed})`,
    `--size PX          frame side, a multiple of 4; patches are PX/4 (default ${PRETRAIN_DEFAULTS.imageSize})`,
    `--batch N          (frame, caption) pairs per step (default ${PRETRAIN_DEFAULTS.batchSize})`,
    '--check-every N    a quick zero-shot probe every N steps (default 150; 0 = none)',
    '--backend NAME     TensorFlow.js backend (default wasm, what the shipped model was made with)',
    'Prints the loss as it goes and the full quality check at the end, which also goes into the README.',
  ],
  options: {
    out: { type: 'string' },
    steps: { type: 'string' },
    seed: { type: 'string' },
    size: { type: 'string' },
    batch: { type: 'string' },
    'check-every': { type: 'string' },
    backend: { type: 'string' },
  },
  async run({ values }, { io, stopSignal }) {
    const steps = intOption(values.steps, '--steps', PRETRAIN_DEFAULTS.steps, 1, 1_000_000)
    const seed = intOption(values.seed, '--seed', PRETRAIN_DEFAULTS.seed, 0, 2 ** 32 - 1)
    const imageSize = intOption(values.size, '--size', PRETRAIN_DEFAULTS.imageSize, 16, 512)
    if (imageSize % 4) throw new CliUsageError(`--size must be a multiple of 4 (got ${imageSize})`)
    const batchSize = intOption(values.batch, '--batch', PRETRAIN_DEFAULTS.batchSize, 2, 1024)
    const checkEvery = intOption(values['check-every'], '--check-every', 150, 0, 1_000_000)
    const backendName = parseBackendName(typeof values.backend === 'string' ? values.backend : 'wasm', '--backend')
    const out = typeof values.out === 'string' && values.out ? resolve(values.out) : defaultSynthClipDir()
    const backend = await selectBackend(backendName)
    io.err(describeBackend(backend))
    let stopped = false
    void stopSignal.then(() => (stopped = true))
    const args = [values.steps && `--steps ${steps}`, values.seed && `--seed ${seed}`, values.size && `--size ${imageSize}`, values.batch && `--batch ${batchSize}`].filter(Boolean)
    let lastShown = 0
    const r = await recreateSynthClip({
      out,
      steps,
      seed,
      imageSize,
      batchSize,
      checkEvery,
      backend: `${backend.name} (${backend.detail})`,
      command: ['stdd synth pretrain-clip', ...args].join(' '),
      shouldStop: () => stopped,
      onStep: (s) => {
        if (s.step === 1 || s.step === s.steps || s.step % 10 === 0 || performance.now() - lastShown > 10_000) {
          lastShown = performance.now()
          const eta = (s.seconds / s.step) * (s.steps - s.step)
          io.err(`step ${s.step}/${s.steps} loss ${s.loss.toFixed(4)} lr ${s.lr.toExponential(2)} 1/T ${s.temperatureInverse.toFixed(1)} ${s.seconds.toFixed(0)} s, ETA ${eta.toFixed(0)} s`)
        }
      },
      onCheck: (step, q) => io.err(`check at step ${step}: ${ATTRIBUTES.map((a) => `${a} ${(100 * q.attributes[a].accuracy).toFixed(0)} %`).join(', ')}; caption retrieval ${(100 * q.captionRetrieval.accuracy).toFixed(0)} %`),
    })
    if (stopped) {
      io.err(`stopped after ${r.steps} of ${steps} steps: the partly trained model was still written to ${out}`)
    }
    io.out(
      [
        `SynthCLIP written to ${out}: ${r.parameters.toLocaleString('en-US')} parameters, model.safetensors ${(r.weightBytes / 1024).toFixed(0)} KiB`,
        `pretraining: ${r.steps} steps in ${(r.trainSeconds / 60).toFixed(1)} min, final loss ${r.losses.at(-1)?.toFixed(4)}`,
        'quality (held-out):',
        ...qualityLines(r.quality).map((l) => '  ' + l),
      ].join('\n'),
    )
    return stopped ? 1 : 0
  },
}
