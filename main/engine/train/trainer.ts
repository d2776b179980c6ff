import * as tf from '@tensorflow/tfjs'
import { prefetch, type Loaded } from '../data'
import type { RunContext } from '../runs/executor'
import { throwIfCancelled } from '../runs/executor'
import type { StddVideoModel } from '../stdd/model'
import { AdamW } from '../optim/adamw'
import { stddTrainStep, type TrainBatch } from '../stdd/train_step'
import { permutation, rngFromState, seededRng, streamSeed, STREAMS } from '../util/random'
import { averageCheckpoints, checkpointEpochs, loadCheckpoint, MID_EPOCH, midEpochState, pruneCheckpoints, removeMidEpochCheckpoint, saveCheckpoint, type MidEpochPosition, type TrainState } from './checkpoint'
import { clipsTensor, namedTrainables } from './model-input'
import { learningRate } from './schedule'
import type { ClipSource, LoadedClip } from './video-data'
import { yieldToEventLoop } from '../util/event-loop'

/**
 * The training loop (docs/method.md §2): epochs over the seen classes' videos; AdamW with linear warm-up
 * and cosine decay updated every iteration; gradient accumulation to the global batch; global-norm
 * clipping; a checkpoint and its metrics at the end of every epoch; resume from the last checkpoint;
 * epoch weight averaging at the end. All randomness of epoch e is seeded by (seed, e).
 */

export interface TrainInputs {
  ctx: RunContext
  model: StddVideoModel
  source: ClipSource
  /** Prompt embeddings of the training classes [K, M, E]. */
  prompts: tf.Tensor3D
}

/**
 * The micro-batches of one optimizer step, made one at a time from the clip stream (so only one
 * micro-batch's clips are in memory) and disposed when the step asks for the next. Unreadable videos
 * are logged and skipped.
 */
async function* microBatches(
  stream: AsyncIterator<Loaded<number, LoadedClip>>,
  count: number,
  batchSize: number,
  prompts: tf.Tensor3D,
  log: (line: string) => void,
): AsyncGenerator<TrainBatch> {
  for (let a = 0; a < count; a++) {
    const clips: LoadedClip[] = []
    for (let i = 0; i < batchSize; i++) {
      const next = await stream.next()
      if (next.done) break
      if (next.value.ok) clips.push(next.value.value)
      else log(`skipped an unreadable training video: ${next.value.error.message}`)
    }
    if (clips.length === 0) continue
    const batch: TrainBatch = { clips: clipsTensor(clips), labels: clips.map((c) => c.label), prompts }
    try {
      yield batch
    } finally {
      batch.clips.dispose()
    }
  }
}

function meanOf(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length)
}

/** Trains (or resumes) the run; returns the global step its results are recorded at (0 when it trains nothing). */
export async function train({ ctx, model, source, prompts }: TrainInputs): Promise<number> {
  const { config, out, runDir, signal } = ctx
  const t = config.train
  const named = namedTrainables(model)
  if (t.epochs === 0 || named.length === 0) {
    ctx.log(named.length === 0 ? `adaptation "${config.model.adaptation.mode}" trains no parameter: evaluation only` : 'train.epochs is 0: evaluation only')
    return 0
  }
  const vars = named.map(([, v]) => v)
  const accumSteps = Math.max(1, Math.ceil(t.globalBatch / t.batchSize))
  const perStep = t.batchSize * accumSteps
  const stepsPerEpoch = Math.max(1, Math.floor(source.size / perStep))
  const totalSteps = stepsPerEpoch * t.epochs
  const optimizer = new AdamW({ lr: t.lr, weightDecay: t.weightDecay, ...(t.clipGradNorm === null ? {} : { clipNorm: t.clipGradNorm }) })
  const schedule = { lr: t.lr, endLr: t.endLr, warmupEpochs: t.warmupEpochs, epochs: t.epochs }

  let startEpoch = 0
  let resumed: MidEpochPosition | null = null
  const done = checkpointEpochs(runDir).filter((e) => e <= t.epochs)
  const mid = midEpochState(runDir)
  // A run that stopped inside an epoch goes on at its next step; else after its last complete epoch.
  const from = mid?.midEpoch && mid.epoch >= (done[done.length - 1] ?? 0) ? MID_EPOCH : done[done.length - 1]
  if (from !== undefined) {
    const loaded = loadCheckpoint(runDir, from, named)
    optimizer.loadState(vars, loaded.optimizer.step, loaded.optimizer.moments)
    tf.dispose(loaded.optimizer.moments.flatMap((mv) => (mv ? [mv.m, mv.v] : [])))
    startEpoch = loaded.state.epoch
    resumed = loaded.state.midEpoch ?? null
    ctx.log(resumed ? `resuming epoch ${startEpoch + 1} at step ${resumed.step + 1} from its mid-epoch checkpoint` : `resuming after epoch ${startEpoch} from its checkpoint`)
  }
  ctx.log(`training ${named.length} tensors (${vars.reduce((n, v) => n + v.size, 0).toLocaleString('en')} parameters) for ${t.epochs} epoch(s): ${stepsPerEpoch} steps of ${perStep} clips (${accumSteps} × ${t.batchSize})`)

  const started = Date.now()
  let stepsThisSession = 0
  try {
    for (let epoch = startEpoch; epoch < t.epochs; epoch++) {
      const at = epoch === startEpoch ? resumed : null
      const first = at?.step ?? 0
      // Clip p of the epoch is the one at position p of its order: a resumed epoch skips the steps it took.
      const skipped = first * perStep
      const order = permutation(source.size, seededRng(streamSeed(STREAMS.trainOrder, config.seed, epoch))).slice(skipped, stepsPerEpoch * perStep)
      const masks = at ? rngFromState({ words: Uint32Array.from(at.masks.words), index: at.masks.index }) : seededRng(streamSeed(STREAMS.trainMasks, config.seed, epoch))
      const stream = prefetch(order, (index, position) => source.load(index, seededRng(streamSeed(STREAMS.trainClip, config.seed, epoch, skipped + position))))[Symbol.asyncIterator]()
      const epochLosses: number[] = at ? [...at.epochLosses] : []
      for (let step = first; step < stepsPerEpoch; step++) {
        if (signal.aborted && step > first) {
          // Stopped inside the epoch (pre-emption, cancel): what the rest of it needs, so a restart goes on from here.
          const position: MidEpochPosition = { step, masks: { words: Array.from(masks.getState().words), index: masks.getState().index }, epochLosses }
          await saveCheckpoint(runDir, named, optimizer.exportState(vars), { epoch, optimizerStep: optimizer.stepCount, lr: optimizer.lr, rng: { scheme: 'per-epoch', seed: config.seed }, dataPosition: { epoch, batch: step }, midEpoch: position })
          ctx.log(`stopped inside epoch ${epoch + 1} after step ${step}: mid-epoch checkpoint saved`)
        }
        throwIfCancelled(signal)
        const progress = epoch + step / stepsPerEpoch
        optimizer.lr = learningRate(progress, schedule)
        const result = await stddTrainStep(model, microBatches(stream, accumSteps, t.batchSize, prompts, ctx.log), optimizer, { rng: masks })
        if (result === null) continue
        const globalStep = epoch * stepsPerEpoch + step + 1
        const loss = result.total
        epochLosses.push(loss)
        const values: Record<string, number> = { 'train/loss': loss, 'train/ce': result.ce, 'train/lr': optimizer.lr, 'train/grad_norm': result.gradNorm }
        if (result.fd !== null) values['train/fd'] = result.fd
        out.metrics(globalStep, epoch + (step + 1) / stepsPerEpoch, values)
        stepsThisSession++
        const secondsPerStep = (Date.now() - started) / 1000 / stepsThisSession
        ctx.progress({ phase: 'train', step: globalStep, totalSteps, epoch: epoch + (step + 1) / stepsPerEpoch, loss, throughput: perStep / secondsPerStep, etaSeconds: secondsPerStep * (totalSteps - globalStep) })
        await yieldToEventLoop()
      }
      await stream.return?.(undefined)
      const state: TrainState = { epoch: epoch + 1, optimizerStep: optimizer.stepCount, lr: optimizer.lr, rng: { scheme: 'per-epoch', seed: config.seed }, dataPosition: { epoch: epoch + 1, batch: 0 } }
      const path = await saveCheckpoint(runDir, named, optimizer.exportState(vars), state)
      removeMidEpochCheckpoint(runDir)
      out.metrics((epoch + 1) * stepsPerEpoch, epoch + 1, { 'train/epoch_loss': meanOf(epochLosses) })
      out.artifact({ kind: 'checkpoint', name: `epoch ${epoch + 1}`, step: (epoch + 1) * stepsPerEpoch, epoch: epoch + 1, path, meta: { ...state } })
      out.checkpointsRemoved(pruneCheckpoints(runDir, t.checkpointsKept, t.averaging, t.epochs))
      ctx.log(`epoch ${epoch + 1}/${t.epochs}: mean loss ${meanOf(epochLosses).toFixed(4)}; checkpoint saved`)
    }
    if (t.averaging) {
      const used = averageCheckpoints(runDir, t.averaging.from, Math.min(t.averaging.to, t.epochs), named)
      ctx.log(`weights averaged over epochs ${used.join(', ')}`)
    }
    return totalSteps
  } finally {
    optimizer.dispose()
  }
}
