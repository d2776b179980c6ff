import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { SafetensorsFile } from '../io/safetensors'
import { writeSafetensorsAsync } from '../io/safetensors_write'
import type { VariableMoments } from '../stdd/adamw'

/**
 * Per-epoch checkpoints of a run: `checkpoints/epoch-NNNN/` holds `weights.safetensors` (every
 * trainable variable, by its path in the model), `optimizer.safetensors` (AdamW's moments, and each
 * variable's own update count in the metadata entry `steps`) and
 * `state.json` (epoch, optimizer step, learning rate, RNG scheme and data position). A checkpoint is
 * written into a temporary folder and renamed into place, so a crash leaves either a whole
 * checkpoint or none. The randomness of epoch e (data order, masks) is drawn from generators seeded by
 * (seed, e), so resuming after epoch e reproduces the uninterrupted run exactly.
 */

export interface TrainState {
  /** Epochs completed (1-based epoch number of this checkpoint). */
  epoch: number
  /** Optimizer steps taken so far. */
  optimizerStep: number
  lr: number
  rng: { scheme: 'per-epoch'; seed: number }
  /** Where the data stream stands: the next epoch starts at its first batch. */
  dataPosition: { epoch: number; batch: number }
}

export interface OptimizerMoments {
  step: number
  /** Per variable (same order as the weights): first and second moments and its update count, or null before its first update. */
  moments: (VariableMoments | null)[]
}

const dirName = (epoch: number): string => `epoch-${String(epoch).padStart(4, '0')}`

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

/** Read when written (asynchronously: GPU backends have no synchronous read in Node). */
const tensorData = (t: tf.Tensor): (() => Promise<Float32Array>) => async () => (await t.data()) as Float32Array

export async function saveCheckpoint(runDir: string, named: readonly [string, tf.Variable][], optimizer: OptimizerMoments, state: TrainState): Promise<string> {
  const final = join(checkpointsDir(runDir), dirName(state.epoch))
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
  rmSync(final, { recursive: true, force: true })
  renameSync(tmp, final)
  return final
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
export function loadCheckpoint(runDir: string, epoch: number, named: readonly [string, tf.Variable][]): LoadedCheckpoint {
  const dir = join(checkpointsDir(runDir), dirName(epoch))
  const state = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as TrainState
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
    readNamed(join(checkpointsDir(runDir), dirName(e), 'weights.safetensors'), names, shapes, 'weight').forEach((data, i) => {
      const sum = sums[i]!
      for (let j = 0; j < data.length; j++) sum[j]! += data[j]!
    })
  }
  sums.forEach((sum, i) => tf.tidy(() => named[i]![1].assign(tf.tensor(Float32Array.from(sum, (x) => x / epochs.length), shapes[i]))))
  return epochs
}
