import { readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'
import { ExperimentConfig } from '../experiments/schema'
import type { GraphAlias } from '../text/graphs/eval-classes'
import type { GraphClass } from '../text/askg/types'

/**
 * `run.json`: everything a run's worker needs, written by the engine at each launch of the run
 * (docs/worker.md). The worker never opens the results database.
 */

export const RUN_SPEC_FILE = 'run.json'
export const RUN_SPEC_FORMAT = 1

/** The knowledge-graph version `text.graph` resolved to at launch, with the alias table of its graph. */
export interface GraphSnapshot {
  id: number
  name: string
  version: number
  classes: GraphClass[]
  aliases: GraphAlias[]
}

/** "Evaluate again": the run whose weights this run evaluates. */
export interface SourceSnapshot {
  runId: number
  runKey: string
  runDir: string
  /** `final`, `averaged` or an epoch number (as text). */
  checkpoint: string
  train: ExperimentConfig['train']
}

export interface RunSpec {
  format: typeof RUN_SPEC_FORMAT
  runKey: string
  runId: number
  config: ExperimentConfig
  /** The engine's data folder: model, text-feature and SynthMotion caches. */
  dataDir: string
  graph: GraphSnapshot | null
  source: SourceSnapshot | null
}

const Envelope = z.object({
  format: z.literal(RUN_SPEC_FORMAT),
  runKey: z.string().uuid(),
  runId: z.number().int().positive(),
  config: z.unknown(),
  dataDir: z.string().min(1),
  graph: z.object({ id: z.number().int(), name: z.string(), version: z.number().int(), classes: z.array(z.unknown()), aliases: z.array(z.object({ alias: z.string(), key: z.string() })) }).nullable(),
  source: z.object({ runId: z.number().int(), runKey: z.string(), runDir: z.string(), checkpoint: z.string(), train: z.unknown() }).nullable(),
})

/** Writes `run.json` into `runDir` (through a temporary file: never half-written). */
export function writeRunSpec(runDir: string, spec: RunSpec): void {
  const file = join(runDir, RUN_SPEC_FILE)
  writeFileSync(`${file}.tmp`, JSON.stringify(spec, null, 2))
  renameSync(`${file}.tmp`, file)
}

/** The run key of the folder's `run.json`, or null when it has none (or an unreadable one). */
export function runKeyOf(runDir: string): string | null {
  try {
    const key = (JSON.parse(readFileSync(join(runDir, RUN_SPEC_FILE), 'utf8')) as { runKey?: unknown }).runKey
    return typeof key === 'string' ? key : null
  } catch {
    return null
  }
}

/** Reads and checks `run.json`; an error names the file and what is wrong. */
export function readRunSpec(runDir: string): RunSpec {
  const file = join(runDir, RUN_SPEC_FILE)
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'))
  } catch (err) {
    throw new Error(`${file}: cannot read the run spec (${(err as Error).message}); the engine writes it when it launches the run`, { cause: err })
  }
  const envelope = Envelope.safeParse(raw)
  if (!envelope.success) throw new Error(`${file}: not a run spec of this version (${envelope.error.issues.map((i) => `${i.path.join('.') || 'file'}: ${i.message}`).join('; ')})`)
  const config = ExperimentConfig.safeParse(envelope.data.config)
  if (!config.success) throw new Error(`${file}: its config is invalid (${config.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')})`)
  const e = envelope.data
  return {
    ...e,
    format: RUN_SPEC_FORMAT,
    config: config.data,
    graph: e.graph as GraphSnapshot | null,
    source: e.source ? { ...e.source, train: e.source.train as ExperimentConfig['train'] } : null,
  }
}
