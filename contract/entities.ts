import { z } from 'zod'
import { BACKEND_NAMES } from './vocabulary'

/** Records the engine hands to its faces. Their types are inferred from these schemas. */

export const BackendName = z.enum(BACKEND_NAMES)
export type BackendName = z.infer<typeof BackendName>

export const BackendReport = z.object({
  name: BackendName,
  forced: z.boolean(),
  /** Why each backend tried before the chosen one was skipped. */
  skipped: z.array(z.object({ name: BackendName, reason: z.string() })),
  detail: z.string(),
  /** Which kernel runs each hot op on this backend, e.g. { matMul: 'wgsl-tiled', attention: 'wgsl-fused' }. */
  kernels: z.record(z.string(), z.string()).optional(),
  /** WebGPU only: the adapter Dawn picked and the device features the engine asked for and got. */
  gpu: z
    .object({
      vendor: z.string(),
      architecture: z.string(),
      device: z.string(),
      description: z.string(),
      software: z.boolean(),
      adapterFeatures: z.array(z.string()),
      deviceFeatures: z.array(z.string()),
      limits: z.record(z.string(), z.number()),
    })
    .optional(),
})
export type BackendReport = z.infer<typeof BackendReport>

export const FfmpegInfo = z.object({
  found: z.boolean(),
  ffmpegPath: z.string().nullable(),
  ffprobePath: z.string().nullable(),
  version: z.string().nullable(),
  hint: z.string().nullable(),
})
export type FfmpegInfo = z.infer<typeof FfmpegInfo>

/** Something this machine lacks that the app would use, and the command that adds it. */
export const MissingPiece = z.object({ what: z.string(), why: z.string(), fix: z.string() })
export type MissingPiece = z.infer<typeof MissingPiece>

export const AppInfo = z.object({
  appVersion: z.string(),
  backend: BackendReport.nullable(),
  versions: z.record(z.string(), z.string()),
  dataDir: z.string(),
  databasePath: z.string(),
  schemaVersion: z.number().int(),
  ffmpeg: FfmpegInfo,
  host: z.string(),
  platform: z.string(),
  /** Empty when nothing is missing. */
  missing: z.array(MissingPiece),
})
export type AppInfo = z.infer<typeof AppInfo>

export const Experiment = z.object({
  id: z.number().int(),
  name: z.string(),
  description: z.string(),
  filePath: z.string().nullable(),
  createdAt: z.string(),
  runCount: z.number().int(),
})
export type Experiment = z.infer<typeof Experiment>

export const RUN_STATUSES = ['queued', 'running', 'done', 'failed', 'cancelled'] as const
export const RunStatus = z.enum(RUN_STATUSES)
export type RunStatus = z.infer<typeof RunStatus>

export const RunSummary = z.object({
  id: z.number().int(),
  experimentId: z.number().int(),
  experimentName: z.string(),
  name: z.string(),
  status: RunStatus,
  seed: z.number().int(),
  backend: z.string().nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  error: z.string().nullable(),
  /** `config`: the run failed on its own config (resuming would fail the same way); `runtime`: anything else. */
  errorKind: z.enum(['config', 'runtime']).nullable(),
  /** Seconds spent running in finished stretches (queue waits and pauses between a failure and its resume excluded). */
  runSeconds: z.number(),
  /** When the current running stretch began (null unless running). */
  runningSince: z.string().nullable(),
  tags: z.array(z.string()),
  note: z.string(),
  archived: z.boolean(),
  /** Latest value of each metric, by name. */
  lastMetrics: z.record(z.string(), z.number()),
  /** Where it executes: "local" (this engine's workers) or "slurm"; absent means local. */
  executor: z.enum(['local', 'slurm']).optional(),
  /** Its Slurm job (executor "slurm"): job id, state, node, pending reason, pre-emptions, requeues. */
  job: z
    .object({
      jobId: z.string(),
      cluster: z.string().nullable(),
      state: z.string(),
      node: z.string().nullable(),
      pendingReason: z.string().nullable(),
      preemptions: z.number().int(),
      requeues: z.number().int(),
    })
    .optional(),
})
export type RunSummary = z.infer<typeof RunSummary>

export const RunDetail = RunSummary.extend({
  config: z.unknown(),
  configDiff: z.unknown(),
  gitCommit: z.string().nullable(),
  host: z.string().nullable(),
  /** What ran its matrix products (`blas`, `wasm`…): runs that differ in it agree only to float32 rounding. */
  gemm: z.string().nullable(),
})
export type RunDetail = z.infer<typeof RunDetail>

export const MetricPoint = z.object({
  runId: z.number().int(),
  step: z.number().int(),
  epoch: z.number().nullable(),
  name: z.string(),
  value: z.number(),
  /** When the run recorded it (ISO time); null for points stored before times were kept. */
  time: z.string().nullable(),
})
export type MetricPoint = z.infer<typeof MetricPoint>

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const
export const LogEntry = z.object({
  seq: z.number().int(),
  time: z.string(),
  level: z.enum(LOG_LEVELS),
  source: z.string(),
  message: z.string(),
})
export type LogEntry = z.infer<typeof LogEntry>

export const RunProgress = z.object({
  runId: z.number().int(),
  /** Training counts optimizer steps; evaluation counts videos. */
  phase: z.enum(['train', 'eval']),
  step: z.number().int(),
  totalSteps: z.number().int(),
  epoch: z.number(),
  loss: z.number().nullable(),
  throughput: z.number().nullable(),
  etaSeconds: z.number().nullable(),
})
export type RunProgress = z.infer<typeof RunProgress>

export const RunStateChange = z.object({
  runId: z.number().int(),
  status: RunStatus,
  error: z.string().nullable(),
})
export type RunStateChange = z.infer<typeof RunStateChange>

export const ExperimentFileEntry = z.object({
  file: z.string(),
  label: z.string(),
  source: z.enum(['user', 'built-in']),
  name: z.string().nullable(),
  description: z.string(),
  runs: z.number().int(),
  error: z.string().nullable(),
})
export type ExperimentFileEntry = z.infer<typeof ExperimentFileEntry>
