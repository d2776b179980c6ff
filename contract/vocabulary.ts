/**
 * The project's words, once: data sets, evaluation protocols, prompt sets, and the names of the
 * evaluation metrics with the functions that build and parse them. Zod-free, so the engine, the
 * contract's schemas, the preload and the renderer all import the same lists.
 */

/** TensorFlow.js backends, fastest first: the order the engine tries them in (docs/backends.md). */
export const BACKEND_NAMES = ['node-gpu', 'node', 'webgpu', 'wasm', 'cpu'] as const
/** (The contract's `BackendName` type, from entities.ts, is this same union.) */
type Backend = (typeof BACKEND_NAMES)[number]

/** `value` as a backend name, or an error naming `source` (`--backend`, `STDD_BACKEND`) and the choices. */
export function parseBackendName(value: string, source: string): Backend {
  const name = BACKEND_NAMES.find((b) => b === value)
  if (name) return name
  throw new Error(`${source}: unknown backend "${value}"; choose one of ${BACKEND_NAMES.join(', ')}`)
}

export const DATASETS = ['synthmotion', 'ucf101', 'hmdb51', 'k400', 'k600'] as const
export type Dataset = (typeof DATASETS)[number]
export const DATASET_LABELS: Readonly<Record<Dataset, string>> = {
  synthmotion: 'SynthMotion',
  ucf101: 'UCF101',
  hmdb51: 'HMDB51',
  k400: 'Kinetics-400',
  k600: 'Kinetics-600',
}

/** The zero-shot protocols (docs/method.md §5) and `full`: every class of the data set at once. */
export const PROTOCOLS = ['ep1', 'ep2', 'ep3', 'k600', 'full'] as const
export type Protocol = (typeof PROTOCOLS)[number]

/** SynthMotion's class sets: training defaults to the seen ones, evaluation to the unseen ones. */
export const SYNTH_CLASS_SETS = ['seen', 'unseen', 'all'] as const
export type SynthClassSet = (typeof SYNTH_CLASS_SETS)[number]

/** The prompt sets of docs/method.md §3.3: [C], [S], [T] and [S]+[T]. */
export const PROMPT_SETS = ['c', 's', 't', 'st'] as const
export type PromptSetKind = (typeof PROMPT_SETS)[number]
export const PROMPT_SET_LABELS: Readonly<Record<PromptSetKind, string>> = { c: '[C]', s: '[S]', t: '[T]', st: '[S]+[T]' }
/** What each set adds to the class name, for menus. */
export const PROMPT_SET_MEANINGS: Readonly<Record<PromptSetKind, string>> = { c: 'class names', s: 'spatial', t: 'temporal', st: 'spatial and temporal' }

export function isPromptSetKind(value: unknown): value is PromptSetKind {
  return (PROMPT_SETS as readonly unknown[]).includes(value)
}

/**
 * An evaluation target's key, the column of result tables: `<data set>/<protocol>` (`ucf101/ep1`), or
 * `synthmotion/<class set>` (`synthmotion/unseen`).
 */
export function evalKey(target: { dataset: Dataset; protocol: Protocol; synth?: { classes?: SynthClassSet | undefined } }): string {
  return target.dataset === 'synthmotion' ? `synthmotion/${target.synth?.classes ?? 'unseen'}` : `${target.dataset}/${target.protocol}`
}

/**
 * A target's summary metrics, `eval/<key>/<stat>`: `top1` (mean over the protocol's subsets or splits),
 * `top1_std`, `n` (how many), `top5`, `videos`, `pair_acc` (SynthMotion's order-only pairs), …
 */
export function evalMetricName(key: string, stat: string): string {
  return `eval/${key}/${stat}`
}

/** `eval/<data set>/<protocol or class set>/<stat>` → its key and stat; null for any other name (per-set metrics included). */
export function parseEvalMetric(name: string): { key: string; stat: string } | null {
  const m = /^eval\/([^/]+\/[^/]+)\/([^/]+)$/.exec(name)
  return m ? { key: m[1]!, stat: m[2]! } : null
}

/** The key of a target's headline metric (`eval/<key>/top1`), or null when `name` is not one. */
export function top1Key(name: string): string | null {
  const parsed = parseEvalMetric(name)
  return parsed?.stat === 'top1' ? parsed.key : null
}

/** Who computes the matrix products on the WASM backend: the OpenBLAS addon, or tfjs-wasm itself. */
export const GEMM_PROVIDERS = ['blas', 'wasm'] as const
/** What WebGPU's matrix products keep their weights and operand tiles in (accumulation is f32 either way). */
export const WEBGPU_STORAGES = ['f32', 'f16'] as const
