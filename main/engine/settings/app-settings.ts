import { AppSettings, ContractError, type SettingsState, type AppSettings as AppSettingsData } from '../../../contract'
import type { Db } from '../store/db'
import { readAppSettingsJson, writeAppSettingsJson } from '../store/app-settings'
import { normalizeBaseUrl } from '../text/llm/endpoint'

export const DEFAULT_SETTINGS: AppSettingsData = { defaultBackend: null, dataWorkers: null, gemmProvider: null, webgpuStorage: null, llmEndpoints: [] }

/** The environment variable each setting stands for: set in the environment, it wins over the stored value. */
const ENV: Record<'defaultBackend' | 'dataWorkers' | 'gemmProvider' | 'webgpuStorage', string> = {
  defaultBackend: 'STDD_BACKEND',
  dataWorkers: 'STDD_DATA_WORKERS',
  gemmProvider: 'STDD_GEMM',
  webgpuStorage: 'STDD_WEBGPU_STORAGE',
}

export function readSettings(db: Db): AppSettingsData {
  const stored = readAppSettingsJson(db)
  if (!stored) return DEFAULT_SETTINGS
  // What an older or newer version stored that no longer fits falls back to the default, key by key.
  const out = { ...DEFAULT_SETTINGS }
  for (const key of Object.keys(DEFAULT_SETTINGS) as (keyof AppSettingsData)[]) {
    const one = AppSettings.shape[key].safeParse(stored[key])
    if (one.success) (out as Record<string, unknown>)[key] = one.data
  }
  return out
}

export function settingsState(db: Db, env: NodeJS.ProcessEnv = process.env): SettingsState {
  const overriddenBy: Record<string, string> = {}
  for (const [key, name] of Object.entries(ENV)) if (env[name]?.trim() && !applied.has(name)) overriddenBy[key] = `${name}=${env[name]!.trim()}`
  return { settings: readSettings(db), overriddenBy }
}

/** Stores the changed settings; an endpoint URL is checked as the generator would use it (https, or http to this machine). */
export function writeSettings(db: Db, patch: Partial<AppSettingsData>, env: NodeJS.ProcessEnv = process.env): SettingsState {
  const endpoints = patch.llmEndpoints?.map((e, i) => {
    try {
      return { ...e, url: normalizeBaseUrl(e.url) }
    } catch (err) {
      throw new ContractError('invalid_input', `settings.set: llmEndpoints.${i}.url: ${(err as Error).message}`, [{ path: `llmEndpoints.${i}.url`, message: (err as Error).message }])
    }
  })
  const names = new Set<string>()
  for (const [i, e] of (endpoints ?? []).entries()) {
    if (names.has(e.name)) throw new ContractError('invalid_input', `settings.set: llmEndpoints.${i}.name: two endpoints are named "${e.name}"`, [{ path: `llmEndpoints.${i}.name`, message: 'must differ from the other endpoints’ names' }])
    names.add(e.name)
  }
  const next = { ...readSettings(db), ...patch, ...(endpoints ? { llmEndpoints: endpoints } : {}) }
  writeAppSettingsJson(db, next)
  applyRunSettings(next, env)
  return settingsState(db, env)
}

/** The variables this engine set from the settings (a variable set otherwise is the user's, and wins). */
const applied = new Set<string>()

/**
 * Puts the settings a run reads from the environment (clip worker threads, the GEMM provider, WebGPU's
 * storage) into this engine's environment where the user's own environment does not set them. The data
 * workers apply from the next run; the GEMM provider and the storage at the next engine start.
 */
export function applyRunSettings(s: AppSettingsData, env: NodeJS.ProcessEnv = process.env): void {
  const put = (name: string, value: string | null) => {
    if (env[name]?.trim() && !applied.has(name)) return
    if (value === null) {
      if (applied.delete(name)) delete env[name]
      return
    }
    env[name] = value
    applied.add(name)
  }
  put(ENV.dataWorkers, s.dataWorkers === null ? null : String(s.dataWorkers))
  put(ENV.gemmProvider, s.gemmProvider)
  put(ENV.webgpuStorage, s.webgpuStorage)
}

/** Whether this engine set environment variable `name` from a setting (rather than the user's environment). */
export function setFromSettings(name: string): boolean {
  return applied.has(name)
}

/** The backend to try first: the setting, unless the environment names one (then that one is forced anyway). */
export function preferredBackend(db: Db, env: NodeJS.ProcessEnv = process.env): AppSettingsData['defaultBackend'] {
  return env[ENV.defaultBackend]?.trim() ? null : readSettings(db).defaultBackend
}
