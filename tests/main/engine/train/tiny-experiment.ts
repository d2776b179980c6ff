import { writeFileSync } from 'node:fs'
import { join } from 'node:path'

/**
 * A tiny but complete experiment for engine tests: the shipped SynthMotion CLIP, 2 epochs of 2
 * optimizer steps on a handful of seen-class videos, then zero-shot evaluation on the unseen classes.
 */
export function writeTinyExperiment(dir: string, name = 'tiny', extra = ''): string {
  const file = join(dir, `${name}.yaml`)
  writeFileSync(
    file,
    `name: ${name}
seed: 3
model:
  checkpoint: builtin:synth-clip
train:
  data: { dataset: synthmotion, synth: { videosPerClass: 1 } }
  epochs: 2
  batchSize: 2
  globalBatch: 4
  warmupEpochs: 0.5
eval:
  - dataset: synthmotion
    views: 2
    synth: { videosPerClass: 1 }
${extra}`,
  )
  return file
}
