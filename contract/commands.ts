import { z } from 'zod'
import type { CommandName, EventName } from './channels'
import {
  AppInfo,
  BackendReport,
  Experiment,
  LogEntry,
  MetricPoint,
  RunDetail,
  RunProgress,
  RunStateChange,
  RunStatus,
  RunSummary,
} from './entities'

const id = z.number().int().positive()
const name = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(200, 'must be at most 200 characters')

/** Input and output schema of every command. The engine validates inputs with these at its boundary. */
export const commandSchemas = {
  'app.info': { input: z.object({}).strict(), output: AppInfo },
  'experiments.list': { input: z.object({}).strict(), output: z.array(Experiment) },
  'experiments.create': {
    input: z.object({ name, description: z.string().max(10_000).default('') }).strict(),
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
  'logs.recent': {
    input: z.object({ limit: z.number().int().min(1).max(1000).default(200) }).strict(),
    output: z.array(LogEntry),
  },
} satisfies Record<CommandName, { input: z.ZodType; output: z.ZodType }>

/** Payload schema of every event. */
export const eventSchemas = {
  log: LogEntry,
  'backend.ready': BackendReport,
  'experiments.changed': Experiment,
  'runs.changed': RunSummary,
  'run.progress': RunProgress,
  'run.state': RunStateChange,
} satisfies Record<EventName, z.ZodType>

export type CommandInput<C extends CommandName> = z.input<(typeof commandSchemas)[C]['input']>
export type ParsedCommandInput<C extends CommandName> = z.output<(typeof commandSchemas)[C]['input']>
export type CommandOutput<C extends CommandName> = z.output<(typeof commandSchemas)[C]['output']>
export type EventPayload<E extends EventName> = z.output<(typeof eventSchemas)[E]>
