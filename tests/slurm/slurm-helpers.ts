import { execFileSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { ClusterProfile, type ClusterProfileInput, type MetricPoint, type RunSummary } from '../../contract'
import type { Engine } from '../../main/engine/engine'
import { saveProfile } from '../../main/engine/slurm/profiles'
import { waitFor } from '../helpers/slurm/daemon'
import type { SlurmCluster } from '../helpers/slurm/cluster'

export const REPO = resolve(__dirname, '../..')
/** How a node runs this checkout's `stdd` (the built CLI). */
export const STDD_ON_NODE = `${process.execPath} ${join(REPO, 'bin', 'stdd.mjs')}`

/** A tiny STDD experiment: the shipped SynthMotion CLIP, a few steps, zero-shot evaluation. */
export function writeExperiment(dir: string, name: string, opts: { epochs?: number; extra?: string } = {}): string {
  const file = join(dir, `${name}.yaml`)
  mkdirSync(dir, { recursive: true })
  writeFileSync(
    file,
    `name: ${name}
seed: 3
model:
  checkpoint: builtin:synth-clip
train:
  data: { dataset: synthmotion, synth: { videosPerClass: 1 } }
  epochs: ${opts.epochs ?? 2}
  batchSize: 2
  globalBatch: 4
  warmupEpochs: 0.5
eval:
  - dataset: synthmotion
    views: 1
    synth: { videosPerClass: 1 }
${opts.extra ?? ''}`,
  )
  return file
}

/** Saves a cluster profile for `cluster` in the engine's data folder and returns its name. */
export function useProfile(engine: Engine, cluster: SlurmCluster, fields: Partial<ClusterProfileInput> & { name: string }): ClusterProfile {
  const profile = ClusterProfile.parse({ slurmConf: cluster.confPath, stddCommand: STDD_ON_NODE, runsFolder: join(engine.dataDir, 'shared'), ...fields })
  saveProfile(engine.dataDir, profile)
  return profile
}

/** Follows the Slurm jobs until `check` holds for every run (or fails after `timeoutMs`, with the cluster's logs). */
export async function waitForRuns(engine: Engine, cluster: SlurmCluster, ids: number[], check: (r: RunSummary) => boolean, what: string, timeoutMs = 240_000): Promise<RunSummary[]> {
  return waitFor(
    async () => {
      await engine.slurm.poll()
      const runs = (await engine.invoke('runs.list', {})).filter((r) => ids.includes(r.id)).sort((a, b) => a.id - b.id)
      return runs.length === ids.length && runs.every(check) ? runs : null
    },
    timeoutMs,
    () => `runs ${ids.join(', ')}: ${what}\n${execFileSync('squeue', ['-t', 'all'], { env: cluster.env, encoding: 'utf8' })}\n${cluster.logs()}`,
    1000,
  )
}

export const hasEnded = (r: RunSummary): boolean => !['queued', 'running'].includes(r.status)

/** Every metric point of a run, without its run id and the time it was recorded: what two runs of the same config must share. */
export async function metricSeries(engine: Engine, runId: number): Promise<Omit<MetricPoint, 'runId' | 'time'>[]> {
  const points = await engine.invoke('runs.metrics', { runId })
  return points.map(({ runId: _run, time: _time, ...p }) => p).sort((a, b) => a.name.localeCompare(b.name) || a.step - b.step)
}
