import { createHash } from 'node:crypto'
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { SafetensorsFile } from '../io/safetensors'
import { writeSafetensorsAsync } from '../io/safetensors_write'
import type { VariableMoments } from '../optim/adamw'

/**
 * Per-epoch checkpoints of a run: `checkpoints/epoch-NNNN/` holds `weights.safetensors` (every
 * trainable variable, by its path in the model), `optimizer.safetensors` (AdamW's moments, and each
 * variable's own update count in the metadata entry `steps`) and
 * `state.json` (epoch, optimizer step, learning rate, RNG scheme and data position), and
 * `checksums.json` (the SHA-256 of each of those three, verified on every load). A checkpoint is
 * written into a temporary folder, every file and the folder fsync'ed, then renamed into place (and
 * the parent fsync'ed), so a crash or a power loss leaves either a whole checkpoint or none. The randomness of epoch e (data order, masks) is drawn from generators seeded by
 * (seed, e), so resuming after epoch e reproduces the uninterrupted run exactly.
 */

export interface TrainState {
  /** Epochs completed (1-based epoch number of this checkpoint). */
  epoch: number
  /** Optimizer steps taken so far. */
  optimizerStep: number
  lr: number
  rng: { scheme: 'per-epoch'; seed: number }
  /** Where the data stream stands: the next epoch starts at its first batch (mid-epoch: at `batch`). */
  dataPosition: { epoch: number; batch: number }
  /** Only in the mid-epoch checkpoint: what the rest of the epoch continues from. */
  midEpoch?: MidEpochPosition
}

/** Where a run stopped inside an epoch: the next step, the mask generator's state and the epoch's losses so far. */
export interface MidEpochPosition {
  step: number
  masks: { words: number[]; index: number }
  epochLosses: number[]
}

/**
 * The checkpoint a run leaves when it stops inside an epoch (pre-emption, cancel, its engine gone):
 * `checkpoints/mid-epoch/`, laid out like an epoch's; resuming continues at its step, and it is deleted
 * once that epoch completes. Retention and weight averaging never see it.
 */
export const MID_EPOCH = 'mid-epoch'

export interface OptimizerMoments {
  step: number
  /** Per variable (same order as the weights): first and second moments and its update count, or null before its first update. */
  moments: (VariableMoments | null)[]
}

/** The folder name of epoch `epoch`'s checkpoint: `epoch-0003`. */
export const checkpointDirName = (epoch: number): string => `epoch-${String(epoch).padStart(4, '0')}`

export function checkpointsDir(runDir: string): string {
  return join(runDir, 'checkpoints')
}

/** Epoch numbers with a complete checkpoint, ascending. */
export function checkpointEpochs(runDir: string): number[] {
  const dir = checkpointsDir(runDir)
  if (!existsSync(dir)) return []
  return readdirSync(dir)
    .map((n) => /^epoch-(\d{4})$/.exec(n))
    .filter((m): m is RegExpExecArray => m !== null && existsSync(join(dir, m[0], 'state.json')))
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b)
}

/** A checkpoint file whose bytes differ from those written, or a checksum list that cannot be read. */
export class CheckpointIntegrityError extends Error {
  constructor(
    message: string,
    /** The file at fault, and what was found wrong with it (without the fix). */
    readonly file: string = '',
    readonly problem: string = '',
  ) {
    super(message)
  }
}

const CHECKSUMS = 'checksums.json'
const CHECKSUMMED = ['weights.safetensors', 'optimizer.safetensors', 'state.json'] as const
/** Every file of a checkpoint folder, its checksum list first. */
export const CHECKPOINT_FILES = [CHECKSUMS, ...CHECKSUMMED] as const

function sha256OfFile(path: string): string {
  const hash = createHash('sha256')
  const fd = openSync(path, 'r')
  try {
    const buf = Buffer.alloc(1 << 22)
    for (let got = readSync(fd, buf); got > 0; got = readSync(fd, buf)) hash.update(buf.subarray(0, got))
  } finally {
    closeSync(fd)
  }
  return hash.digest('hex')
}

/** Flushes a file's or a folder's bytes to the disk (a rename is durable only once its folder is). */
function fsyncPath(path: string): void {
  const fd = openSync(path, 'r')
  try {
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}

/**
 * Checks a checkpoint folder's files against its `checksums.json`. A folder without one was written
 * before checksums existed and is read as it is; a checkpoint's own writes always include it.
 */
export function verifyCheckpoint(dir: string): void {
  const listFile = join(dir, CHECKSUMS)
  if (!existsSync(listFile)) return
  let sums: Record<string, unknown>
  try {
    sums = JSON.parse(readFileSync(listFile, 'utf8')) as Record<string, unknown>
  } catch (err) {
    const problem = `the checksum list is damaged (${(err as Error).message})`
    throw new CheckpointIntegrityError(`${listFile}: ${problem}; remove ${dir} to resume from the epoch before`, listFile, problem)
  }
  for (const name of CHECKSUMMED) {
    const path = join(dir, name)
    const actual = existsSync(path) ? sha256OfFile(path) : 'missing'
    if (actual === sums[name]) continue
    const problem = `SHA-256 ${actual.slice(0, 12)}…, written as ${String(sums[name]).slice(0, 12)}…`
    throw new CheckpointIntegrityError(`${path}: the checkpoint is damaged (${problem}); remove ${dir} to resume from the epoch before`, path, problem)
  }
}

function readState(dir: string): TrainState {
  const file = join(dir, 'state.json')
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as TrainState
  } catch (err) {
    throw new CheckpointIntegrityError(`${file}: not a readable checkpoint state (${(err as Error).message}); remove ${dir} to resume from the epoch before`)
  }
}

/** Read when written (asynchronously: GPU backends have no synchronous read in Node). */
const tensorData = (t: tf.Tensor): (() => Promise<Float32Array>) => async () => (await t.data()) as Float32Array

export async function saveCheckpoint(runDir: string, named: readonly [string, tf.Variable][], optimizer: OptimizerMoments, state: TrainState): Promise<string> {
  const final = join(checkpointsDir(runDir), state.midEpoch ? MID_EPOCH : checkpointDirName(state.epoch))
  const tmp = `${final}.tmp`
  rmSync(tmp, { recursive: true, force: true })
  mkdirSync(tmp, { recursive: true })
  await writeSafetensorsAsync(join(tmp, 'weights.safetensors'), named.map(([name, v]) => ({ name, shape: v.shape, data: tensorData(v) })), { format: 'pt', epoch: String(state.epoch) })
  const moments = named.flatMap(([name], i) => {
    const mv = optimizer.moments[i]
    return mv ? [{ name: `${name}.m`, shape: mv.m.shape, data: tensorData(mv.m) }, { name: `${name}.v`, shape: mv.v.shape, data: tensorData(mv.v) }] : []
  })
  const steps = Object.fromEntries(named.flatMap(([name], i) => (optimizer.moments[i] ? [[name, optimizer.moments[i].step]] : [])))
  await writeSafetensorsAsync(join(tmp, 'optimizer.safetensors'), moments, { format: 'pt', step: String(optimizer.step), steps: JSON.stringify(steps) })
  writeFileSync(join(tmp, 'state.json'), JSON.stringify(state, null, 2))
  writeFileSync(join(tmp, CHECKSUMS), JSON.stringify(Object.fromEntries(CHECKSUMMED.map((name) => [name, sha256OfFile(join(tmp, name))])), null, 2))
  for (const name of [...CHECKSUMMED, CHECKSUMS]) fsyncPath(join(tmp, name))
  fsyncPath(tmp)
  rmSync(final, { recursive: true, force: true })
  renameSync(tmp, final)
  fsyncPath(dirname(final))
  return final
}

/**
 * Checkpoint retention: removes the checkpoints of `runDir` except the last `kept` and those of the
 * epochs `averaging` will average (its range, clipped to the run's `epochs`). Returns the epochs removed.
 */
export function pruneCheckpoints(runDir: string, kept: number, averaging: { from: number; to: number } | null, epochs: number): number[] {
  const all = checkpointEpochs(runDir)
  const last = new Set(all.slice(-kept))
  const needed = (e: number): boolean => last.has(e) || (averaging !== null && e >= averaging.from && e <= Math.min(averaging.to, epochs))
  const removed = all.filter((e) => !needed(e))
  for (const e of removed) rmSync(join(checkpointsDir(runDir), checkpointDirName(e)), { recursive: true, force: true })
  return removed
}

function readNamed(file: string, names: readonly string[], shapes: readonly number[][], what: string): Float32Array[] {
  const f = SafetensorsFile.open(file)
  try {
    return names.map((name, i) => {
      const info = f.tensors.get(name)
      if (!info) throw new Error(`${file}: ${what} "${name}" is missing; the checkpoint belongs to another model or adaptation mode`)
      if (info.shape.join() !== shapes[i]!.join()) throw new Error(`${file}: ${what} "${name}" has shape [${info.shape}], the model expects [${shapes[i]}]`)
      return f.readFloat32(name)
    })
  } finally {
    f.close()
  }
}

export interface LoadedCheckpoint {
  state: TrainState
  optimizer: OptimizerMoments
}

/** Restores the variables from epoch `epoch`'s checkpoint and returns the optimizer moments and state. */
/** The state of the mid-epoch checkpoint, or null when the run has none. */
export function midEpochState(runDir: string): TrainState | null {
  const dir = join(checkpointsDir(runDir), MID_EPOCH)
  return existsSync(join(dir, 'state.json')) ? readState(dir) : null
}

export function removeMidEpochCheckpoint(runDir: string): void {
  rmSync(join(checkpointsDir(runDir), MID_EPOCH), { recursive: true, force: true })
}

export function loadCheckpoint(runDir: string, epoch: number | typeof MID_EPOCH, named: readonly [string, tf.Variable][]): LoadedCheckpoint {
  const dir = join(checkpointsDir(runDir), epoch === MID_EPOCH ? MID_EPOCH : checkpointDirName(epoch))
  verifyCheckpoint(dir)
  const state = readState(dir)
  const names = named.map(([n]) => n)
  const shapes = named.map(([, v]) => v.shape)
  readNamed(join(dir, 'weights.safetensors'), names, shapes, 'weight').forEach((data, i) => tf.tidy(() => named[i]![1].assign(tf.tensor(data, shapes[i]))))
  const f = SafetensorsFile.open(join(dir, 'optimizer.safetensors'))
  try {
    const step = Number(f.metadata.step ?? state.optimizerStep)
    // checkpoints written before per-variable step counts: every variable had every update
    const steps = (f.metadata.steps ? JSON.parse(f.metadata.steps) : {}) as Record<string, number>
    const moments = named.map(([name, v]) =>
      f.tensors.has(`${name}.m`) ? { m: tf.tensor(f.readFloat32(`${name}.m`), v.shape), v: tf.tensor(f.readFloat32(`${name}.v`), v.shape), step: steps[name] ?? step } : null,
    )
    return { state, optimizer: { step, moments } }
  } finally {
    f.close()
  }
}

/**
 * Epoch weight averaging ('swa' of weight_average_tool.py): the uniform mean of the weights of the
 * checkpoints of epochs `from`…`to` inclusive, assigned to the variables. Returns the epochs used.
 */
export function averageCheckpoints(runDir: string, from: number, to: number, named: readonly [string, tf.Variable][]): number[] {
  const epochs = checkpointEpochs(runDir).filter((e) => e >= from && e <= to)
  if (epochs.length === 0) throw new Error(`train.averaging: no checkpoints of epochs ${from}…${to} in ${checkpointsDir(runDir)} (the run has ${checkpointEpochs(runDir).join(', ') || 'none'})`)
  const names = named.map(([n]) => n)
  const shapes = named.map(([, v]) => v.shape)
  const sums = shapes.map((s) => new Float64Array(s.reduce((a, b) => a * b, 1)))
  for (const e of epochs) {
    verifyCheckpoint(join(checkpointsDir(runDir), checkpointDirName(e)))
    readNamed(join(checkpointsDir(runDir), checkpointDirName(e), 'weights.safetensors'), names, shapes, 'weight').forEach((data, i) => {
      const sum = sums[i]!
      for (let j = 0; j < data.length; j++) sum[j]! += data[j]!
    })
  }
  sums.forEach((sum, i) => tf.tidy(() => named[i]![1].assign(tf.tensor(Float32Array.from(sum, (x) => x / epochs.length), shapes[i]))))
  return epochs
}
