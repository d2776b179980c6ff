import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { Engine } from '../../../main/engine/engine'
import { setFromSettings } from '../../../main/engine/settings/app-settings'
import { tempDir } from '../../helpers/temp-dir'

let dir: ReturnType<typeof tempDir>
let engine: Engine
beforeEach(async () => {
  vi.stubEnv('STDD_DATA_WORKERS', undefined)
  vi.stubEnv('STDD_GEMM', undefined)
  vi.stubEnv('STDD_BACKEND', undefined)
  vi.stubEnv('STDD_WEBGPU_STORAGE', undefined)
  dir = tempDir()
  engine = await Engine.start({ dataDir: dir.path, withoutTf: true })
})
afterEach(async () => {
  await engine.invoke('settings.set', { dataWorkers: null, gemmProvider: null, webgpuStorage: null }) // hands the variables back
  engine.close()
  dir.remove()
  vi.unstubAllEnvs()
})

describe('settings', () => {
  it('start at the defaults, keep what was set across engine starts, and put the run settings into effect', async () => {
    expect(await engine.invoke('settings.get', {})).toEqual({ settings: { defaultBackend: null, dataWorkers: null, gemmProvider: null, webgpuStorage: null, llmEndpoints: [] }, overriddenBy: {} })
    const set = await engine.invoke('settings.set', { defaultBackend: 'wasm', dataWorkers: 2, gemmProvider: 'wasm', webgpuStorage: 'f16', llmEndpoints: [{ name: 'ollama', url: 'http://127.0.0.1:11434/v1/', model: 'llama3.1' }] })
    expect(set.settings).toEqual({ defaultBackend: 'wasm', dataWorkers: 2, gemmProvider: 'wasm', webgpuStorage: 'f16', llmEndpoints: [{ name: 'ollama', url: 'http://127.0.0.1:11434/v1', model: 'llama3.1' }] })
    expect([process.env.STDD_DATA_WORKERS, process.env.STDD_GEMM, process.env.STDD_WEBGPU_STORAGE]).toEqual(['2', 'wasm', 'f16'])
    expect(setFromSettings('STDD_WEBGPU_STORAGE')).toBe(true) // what `stdd info` names as the reason
    engine.close()
    engine = await Engine.start({ dataDir: dir.path, withoutTf: true })
    expect((await engine.invoke('settings.get', {})).settings.dataWorkers).toBe(2)
    await engine.invoke('settings.set', { dataWorkers: null })
    expect(process.env.STDD_DATA_WORKERS).toBeUndefined()
    expect((await engine.invoke('settings.get', {})).settings.gemmProvider).toBe('wasm') // the rest stays
  })

  it('refuse a bad value naming the field and what it allows, and change nothing', async () => {
    await expect(engine.invoke('settings.set', { dataWorkers: 100 })).rejects.toThrow(/dataWorkers must be at most 64/)
    await expect(engine.invoke('settings.set', { webgpuStorage: 'bf16' as never })).rejects.toThrow(/webgpuStorage must be one of "f32", "f16"/)
    await expect(engine.invoke('settings.set', { defaultBackend: 'cuda' as never })).rejects.toThrow(/defaultBackend must be one of "node-gpu", "node", "webgpu", "wasm", "cpu"/)
    await expect(engine.invoke('settings.set', { llmEndpoints: [{ name: 'remote', url: 'http://10.0.0.5:8000/v1', model: '' }] })).rejects.toThrow(/llmEndpoints\.0\.url: .*plain http to another machine/)
    await expect(engine.invoke('settings.set', { llmEndpoints: [{ name: 'a', url: 'https://x.example/v1' }, { name: 'a', url: 'https://y.example/v1' }] })).rejects.toThrow(/two endpoints are named "a"/)
    expect((await engine.invoke('settings.get', {})).settings).toEqual({ defaultBackend: null, dataWorkers: null, gemmProvider: null, webgpuStorage: null, llmEndpoints: [] })
  })

  it('say which settings the environment overrides (the user’s variables win and are left alone)', async () => {
    vi.stubEnv('STDD_DATA_WORKERS', '0')
    vi.stubEnv('STDD_WEBGPU_STORAGE', 'f32')
    const state = await engine.invoke('settings.set', { dataWorkers: 3, webgpuStorage: 'f16' })
    expect(state.overriddenBy).toEqual({ dataWorkers: 'STDD_DATA_WORKERS=0', webgpuStorage: 'STDD_WEBGPU_STORAGE=f32' })
    expect([process.env.STDD_DATA_WORKERS, process.env.STDD_WEBGPU_STORAGE]).toEqual(['0', 'f32'])
    expect(setFromSettings('STDD_WEBGPU_STORAGE')).toBe(false)
  })
})
