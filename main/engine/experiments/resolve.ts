import { dirname, isAbsolute, resolve as resolvePath } from 'node:path'
import { parse as parseYaml } from 'yaml'
import { z } from 'zod'
import { describeIssues } from '../../../contract'
import { deepFreeze } from '../util/deep-freeze'
import { assertConfigKeys, deepMerge, diffFrom, setPath } from './diff'
import { MAX_EXPERIMENT_FILE_BYTES, MAX_SWEEP_RUNS } from './limits'
import { BoundedReadError, readFileAtMost } from '../io/bounded-read'
import { ExperimentConfig, movedWorldSeedKeys } from './schema'
import { knownKeysAt, unknownKeyMessage } from './suggest-key'

/** One run an experiment file expands into: its frozen config and how it differs from the defaults. */
export interface ResolvedRun {
  /** Unique within the experiment: the variant's name and the grid values, e.g. `frozen,seed=1`. */
  name: string
  config: Readonly<ExperimentConfig>
  /** Dotted keys that differ from the built-in defaults. */
  diff: Record<string, unknown>
}

export interface ResolvedExperiment {
  name: string
  description: string
  filePath: string | null
  runs: ResolvedRun[]
}

/** One problem of an experiment file at a dotted key of its config (or of its `sweep`). */
export interface ExperimentIssue {
  path: string
  message: string
}

/** A file that does not validate; `issues` name the keys where it could tell (the editor places them in the text). */
export class ExperimentFileError extends Error {
  readonly issues: readonly ExperimentIssue[]
  constructor(message: string, options: ErrorOptions & { issues?: readonly ExperimentIssue[] } = {}) {
    super(message, options)
    this.issues = options.issues ?? []
  }
}

/**
 * A variant's name, as an ablation table's row shows it (`full & wsm`, `mask 50%`, `#frames=8`): any
 * printable text but a trailing ` #2` (how a re-launch names runs apart) and a `seed=N` part (how grid
 * seeds are named).
 */
export const VariantName = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(100, 'must be at most 100 characters')
  .regex(/^[^\p{Cc}\p{Cs}]+$/u, 'must not contain control characters')
  .refine((n) => !/ #\d+$/.test(n), 'must not end in " #<number>" (that marks a re-launched run)')
  .refine((n) => !n.split(',').some((p) => /^seed=\d+$/.test(p)), 'must not contain a "seed=<number>" part (grid seeds are named so)')

const SweepSpec = z
  .object({
    /** Explicit variants, each a partial config with a name: the rows of an ablation table. */
    variants: z.array(z.object({ name: VariantName }).catchall(z.unknown())).min(1).optional(),
    /** Dotted key → list of values; every combination is run (seeds, ratios…). */
    grid: z.record(z.string(), z.array(z.unknown()).min(1)).optional(),
  })
  .strict()

/** The defaults tree, for diffs and for the UI. */
export const DEFAULT_CONFIG: Readonly<ExperimentConfig> = deepFreeze(ExperimentConfig.parse({ name: 'defaults' }))

/** A schema's errors as issues at dotted keys (under `prefix`); an unknown key names the nearest known one. */
function issuesOf(error: z.ZodError, schema: z.ZodType, prefix: readonly string[] = []): ExperimentIssue[] {
  const described = describeIssues(error)
  return error.issues.flatMap((issue, i) => {
    const at = [...prefix, ...issue.path.map(String)]
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeysAt(schema, issue.path)
      return issue.keys.map((key) => ({ path: [...at, key].join('.'), message: unknownKeyMessage(key, known) }))
    }
    return [{ path: at.join('.') || '(payload)', message: described[i]!.message }]
  })
}

function invalidFile(source: string, issues: readonly ExperimentIssue[]): ExperimentFileError {
  return new ExperimentFileError(issues.map((i) => `${source}: ${i.path}: ${i.message}`).join('\n'), { issues })
}

/**
 * Refuses a sweep of more than {@link MAX_SWEEP_RUNS} runs from its counts alone, before a single
 * combination is built (a 532-byte grid can name 24 million runs).
 */
function checkSweepSize(source: string, variantCount: number, grid: Record<string, unknown[]>): void {
  const factors = Object.entries(grid).map(([key, values]) => [key, values.length] as const)
  const total = factors.reduce((n, [, count]) => n * count, variantCount)
  if (total <= MAX_SWEEP_RUNS) return
  const terms = [...(variantCount > 1 ? [`${variantCount} variants`] : []), ...factors.map(([key, count]) => `${key} (${count})`)]
  throw new ExperimentFileError(`${source}: the sweep expands into ${total} runs (${terms.join(' × ')}), more than the limit of ${MAX_SWEEP_RUNS} runs per experiment file; use fewer values or split it into several files`)
}

/** Runs `fn`, turning its plain errors (a bad key) into an {@link ExperimentFileError} naming `source`. */
function inFile<T>(source: string, fn: () => T): T {
  try {
    return fn()
  } catch (err) {
    if (err instanceof ExperimentFileError) throw err
    throw new ExperimentFileError(`${source}: ${(err as Error).message}`, { cause: err })
  }
}

function gridCombos(grid: Record<string, unknown[]>): { label: string; set: [string, unknown][] }[] {
  let combos: { label: string; set: [string, unknown][] }[] = [{ label: '', set: [] }]
  for (const [key, values] of Object.entries(grid)) {
    const short = key.split('.').pop()!
    combos = combos.flatMap((c) =>
      values.map((v) => ({ label: [c.label, `${short}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`].filter(Boolean).join(','), set: [...c.set, [key, v] as [string, unknown]] })),
    )
  }
  return combos
}

/** Makes a path in the config absolute, relative to the experiment file's folder. */
function absolutise(config: ExperimentConfig, baseDir: string): ExperimentConfig {
  const abs = (p: string | undefined): string | undefined => (p === undefined || isAbsolute(p) ? p : resolvePath(baseDir, p))
  const ckpt = config.model.checkpoint.startsWith('builtin:') ? config.model.checkpoint : abs(config.model.checkpoint)!
  const data = <T extends { root?: string | undefined }>(d: T): T => (d.root === undefined ? d : { ...d, root: abs(d.root) })
  return { ...config, model: { ...config.model, checkpoint: ckpt }, train: { ...config.train, data: data(config.train.data) }, eval: config.eval.map(data) }
}

/**
 * Validates an experiment document (already parsed from YAML) into its runs. Errors name the file,
 * the key and the allowed values. `baseDir` resolves relative paths.
 */
export function resolveExperiment(doc: unknown, source: string, baseDir: string, overrides: Record<string, unknown> = {}): ResolvedExperiment {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new ExperimentFileError(`${source}: an experiment file is a YAML mapping (name:, model:, text:, train:, eval:, sweep:)`)
  inFile(source, () => assertConfigKeys(doc))
  const { sweep: rawSweep, ...base } = doc as Record<string, unknown>
  // Overrides (`stdd run FILE --set key=value`) apply to every run, after the file's variants and grid.
  const overrideList = Object.entries(overrides)
  if (overrideList.some(([k]) => k === 'sweep' || k.startsWith('sweep.'))) throw new ExperimentFileError(`${source}: --set cannot change the sweep; edit the file`)
  const sweep = SweepSpec.safeParse(rawSweep ?? {})
  if (!sweep.success) throw invalidFile(source, issuesOf(sweep.error, SweepSpec, ['sweep']))
  const variants = sweep.data.variants ?? [{ name: '' }]
  checkSweepSize(source, variants.length, sweep.data.grid ?? {})
  const combos = gridCombos(sweep.data.grid ?? {})
  const runs: ResolvedRun[] = []
  for (const { name: variantName, ...override } of variants) {
    for (const combo of combos) {
      const merged = inFile(source, () => {
        const tree = deepMerge(base, override) as Record<string, unknown>
        for (const [key, value] of [...combo.set, ...overrideList]) setPath(tree, key, value)
        return tree
      })
      const runName = [variantName, combo.label].filter(Boolean).join(',') || 'default'
      const moved = movedWorldSeedKeys(merged)
      if (moved.length) throw new ExperimentFileError(`${source}: ${moved.join(', ')}: the SynthMotion world is now one top-level block that training and evaluation share; write "synthmotion: { worldSeed: N }" instead`)
      const parsed = ExperimentConfig.safeParse(merged)
      if (!parsed.success) throw invalidFile(runName === 'default' ? source : `${source} (run ${runName})`, issuesOf(parsed.error, ExperimentConfig))
      const config = deepFreeze(absolutise(parsed.data, baseDir))
      runs.push({ name: runName, config, diff: diffFrom(DEFAULT_CONFIG, config, ['name', 'description']) })
    }
  }
  const names = new Set<string>()
  for (const r of runs) {
    if (names.has(r.name)) throw new ExperimentFileError(`${source}: two runs are both named "${r.name}"; give each variant a distinct name`)
    names.add(r.name)
  }
  const first = runs[0]!.config
  return { name: first.name, description: first.description, filePath: null, runs }
}

/** Reads and validates an experiment YAML file (with `key=value` overrides for every run). */
export function loadExperimentFile(path: string, overrides: Record<string, unknown> = {}): ResolvedExperiment {
  const abs = resolvePath(path)
  let text: string
  try {
    text = readFileAtMost(abs, MAX_EXPERIMENT_FILE_BYTES, 'experiment file')
  } catch (err) {
    if (err instanceof BoundedReadError) throw new ExperimentFileError(err.message, { cause: err })
    throw err
  }
  let doc: unknown
  try {
    doc = parseYaml(text, { prettyErrors: true })
  } catch (err) {
    throw new ExperimentFileError(`${abs}: not valid YAML: ${(err as Error).message}`, { cause: err })
  }
  return { ...resolveExperiment(doc, abs, dirname(abs), overrides), filePath: abs }
}
