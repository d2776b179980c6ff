import { z } from 'zod'
import type { CommandName, EventName } from './channels'
import {
  AppInfo,
  BackendReport,
  Experiment,
  ExperimentFileEntry,
  LogEntry,
  MetricPoint,
  RunDetail,
  RunProgress,
  RunStateChange,
  RunStatus,
  RunSummary,
} from './entities'
import { printable } from './printable'
import { RunMetricsEvent, runsTableCommandSchemas } from './commands-runs-table'
import { EXPORT_FORMATS } from './pivot'
import { analysisCommandSchemas } from './commands-analysis'
import { graphsCommandSchemas, graphsEventSchemas } from './commands-graphs'
import { RunDeletedEvent, runManagementCommandSchemas } from './commands-run-management'
import { settingsCommandSchemas } from './commands-settings'
import { engineEventSchemas } from './events-engine'
import { CLUSTER_PROFILE_NAME, clustersCommandSchemas, Executor } from './commands-clusters'
import { experimentFilesCommandSchemas } from './commands-experiment-files'

const id = z.number().int().positive()
const name = printable(z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters'))

/** Input and output schema of every command. The engine validates inputs with these at its boundary. */
export const commandSchemas = {
  'app.info': { input: z.object({}).strict(), output: AppInfo },
  'experiments.list': { input: z.object({}).strict(), output: z.array(Experiment) },
  'experiments.create': {
    input: z.object({ name, description: printable(z.string().max(10_000), true).default('') }).strict(),
    output: Experiment,
  },
  'runs.list': {
    input: z
      .object({
        experimentId: id.optional(),
        status: z.array(RunStatus).optional(),
        limit: z.number().int().min(1).max(10_000).default(500),
      })
      .strict(),
    output: z.array(RunSummary),
  },
  'runs.get': { input: z.object({ id }).strict(), output: RunDetail },
  'runs.metrics': {
    input: z.object({ runId: id, names: z.array(z.string()).optional() }).strict(),
    output: z.array(MetricPoint),
  },
  'experiments.files': { input: z.object({}).strict(), output: z.array(ExperimentFileEntry) },
  'runs.launch': {
    input: z
      .object({
        /** An experiment YAML file on the engine's machine. */
        file: z.string().min(1).optional(),
        /** Or the YAML text itself (relative paths resolve against `baseDir`, default the data folder). */
        yaml: z.string().min(1).max(1_000_000).optional(),
        baseDir: z.string().optional(),
        /** Dotted key → value, applied to every run (e.g. `model.checkpoint`, `eval.0.root`). */
        overrides: z.record(z.string().regex(/^[\w]+(\.[\w]+)*$/, 'a dotted key such as model.checkpoint'), z.unknown()).default({}),
        /** Into this existing experiment instead of the one the file names. */
        experimentId: id.optional(),
        /** Where the runs execute: this engine's workers, or a Slurm cluster (one job array) with a cluster profile. */
        executor: Executor.default('local'),
        profile: z.string().regex(CLUSTER_PROFILE_NAME, 'a cluster profile name').optional(),
      })
      .strict()
      .refine((v) => (v.file === undefined) !== (v.yaml === undefined), 'give exactly one of "file" and "yaml"')
      .refine((v) => v.profile === undefined || v.executor === 'slurm', { message: 'a cluster profile goes with executor "slurm"', path: ['profile'] }),
    output: z.object({ experiment: Experiment, runs: z.array(RunSummary) }),
  },
  'runs.cancel': { input: z.object({ id }).strict(), output: RunSummary },
  'runs.resume': { input: z.object({ id }).strict(), output: RunSummary },
  'export.table': {
    input: z.object({ experiments: z.array(z.string().min(1)).min(1), format: z.enum(EXPORT_FORMATS).default('md'), baseline: z.string().min(1).optional() }).strict(),
    output: z.object({ text: z.string() }),
  },
  'logs.recent': {
    input: z.object({ limit: z.number().int().min(1).max(1000).default(200) }).strict(),
    output: z.array(LogEntry),
  },
  ...runsTableCommandSchemas,
  ...analysisCommandSchemas,
  ...graphsCommandSchemas,
  ...runManagementCommandSchemas,
  ...settingsCommandSchemas,
  ...clustersCommandSchemas,
  ...experimentFilesCommandSchemas,
} satisfies Record<CommandName, { input: z.ZodType; output: z.ZodType }>

/** Payload schema of every event. */
export const eventSchemas = {
  log: LogEntry,
  'backend.ready': BackendReport,
  'experiments.changed': Experiment,
  'runs.changed': RunSummary,
  'run.progress': RunProgress,
  'run.state': RunStateChange,
  'run.metrics': RunMetricsEvent,
  'runs.deleted': RunDeletedEvent,
  ...graphsEventSchemas,
  ...engineEventSchemas,
} satisfies Record<EventName, z.ZodType>

export type CommandInput<C extends CommandName> = z.input<(typeof commandSchemas)[C]['input']>
export type ParsedCommandInput<C extends CommandName> = z.output<(typeof commandSchemas)[C]['input']>
export type CommandOutput<C extends CommandName> = z.output<(typeof commandSchemas)[C]['output']>
export type EventPayload<E extends EventName> = z.output<(typeof eventSchemas)[E]>
