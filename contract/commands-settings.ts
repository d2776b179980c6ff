import { z } from 'zod'
import { BackendName } from './entities'
import { GEMM_PROVIDERS, WEBGPU_STORAGES } from './vocabulary'

/** The engine's settings a user sets in the Settings view (stored in the database, validated here). */

/** A saved OpenAI-compatible endpoint the graph generator offers (its API key stays in the engine's environment). */
export const LlmEndpointSetting = z
  .object({
    name: z.string().trim().min(1, 'must not be empty').max(60, 'must be at most 60 characters'),
    url: z.string().trim().url('give the endpoint base URL, e.g. http://127.0.0.1:11434/v1'),
    model: z.string().trim().max(200, 'must be at most 200 characters').default(''),
  })
  .strict()

export const AppSettings = z
  .object({
    /** Tried first at the engine's next start (the others still follow if it cannot start); null: the fastest that starts. */
    defaultBackend: BackendName.nullable(),
    /** Clip worker threads for the next run (0: on the engine thread); null: the default (1). */
    dataWorkers: z.number().int('must be a whole number').min(0, 'must be 0 or more').max(64, 'must be at most 64').nullable(),
    /** Matrix products on WASM at the next start: the OpenBLAS addon or tfjs-wasm's own; null: the addon when it loads. */
    gemmProvider: z.enum(GEMM_PROVIDERS).nullable(),
    /** WebGPU's matrix products at the next start: f16 storage of the weights and operand tiles, f32 accumulation; null: f32. */
    webgpuStorage: z.enum(WEBGPU_STORAGES).nullable(),
    llmEndpoints: z.array(LlmEndpointSetting).max(20, 'at most 20 endpoints'),
    // Cluster profiles join here with the cluster executor (issue 20).
  })
  .strict()
export type AppSettings = z.infer<typeof AppSettings>

/** The settings, and which of them the environment overrides for this engine (`STDD_BACKEND=wasm`…), which then win. */
export const SettingsState = z.object({ settings: AppSettings, overriddenBy: z.record(z.string(), z.string()) })
export type SettingsState = z.infer<typeof SettingsState>

export const settingsCommandSchemas = {
  'settings.get': { input: z.object({}).strict(), output: SettingsState },
  /** Changes the given settings (the rest stay); a bad value is refused naming the field, and nothing changes. */
  'settings.set': { input: AppSettings.partial().strict(), output: SettingsState },
} as const
