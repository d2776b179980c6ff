import { flushPromises } from '@vue/test-utils'
import { mountApp } from './mount-app'
import { describe, expect, it } from 'vitest'
import type { AppSettings, SettingsState } from '../../contract/api-runtime'
import { fakeBridge } from './fake-bridge'
import { appInfo } from './fixtures'

let stored: AppSettings = { defaultBackend: null, dataWorkers: null, gemmProvider: null, webgpuStorage: null, llmEndpoints: [] }
const state = (): SettingsState => ({ settings: stored, overriddenBy: { gemmProvider: 'STDD_GEMM=wasm' } })
const bridge = fakeBridge({
  'app.info': appInfo,
  'experiments.list': [],
  'runs.list': [],
  'logs.recent': [],
  'settings.get': state,
  'settings.set': (patch) => {
    stored = { ...stored, ...patch, llmEndpoints: (patch.llmEndpoints ?? stored.llmEndpoints).map((e) => ({ ...e, model: e.model ?? '' })) }
    return state()
  },
})
window.api = bridge

describe('the settings view', () => {
  it('sets the default backend, data workers, the WebGPU storage and an LLM endpoint, checks values as they are typed, and names what the environment overrides', async () => {
    const { wrapper } = await mountApp('/settings')
    await new Promise((r) => setTimeout(r, 50)) // the view is loaded on first use
    await flushPromises()
    const form = wrapper.get('[data-test="settings-form"]')
    expect(form.text()).toContain('overridden by STDD_GEMM=wasm')

    await wrapper.get('[data-test="setting-workers"]').setValue('two')
    expect(wrapper.get('[data-test="setting-workers-error"]').text()).toBe('a whole number from 0 to 64, or empty for the default')
    expect((wrapper.get('[data-test="settings-save"]').element as HTMLButtonElement).disabled).toBe(true)
    await wrapper.get('[data-test="setting-workers"]').setValue('2')
    await wrapper.get('[data-test="setting-backend"]').setValue('wasm')
    await wrapper.get('[data-test="setting-webgpu-storage"]').setValue('f16')
    await wrapper.get('[data-test="setting-add-endpoint"]').trigger('click')
    const [name, url, model] = wrapper.get('[data-test="setting-endpoint"]').findAll('input')
    await name!.setValue('ollama')
    await url!.setValue('not a url')
    expect(wrapper.get('[data-test="setting-endpoint"]').text()).toContain('url: an http(s) URL')
    await url!.setValue('http://127.0.0.1:11434/v1')
    await model!.setValue('llama3.1')
    await form.trigger('submit')
    await flushPromises()
    expect(bridge.calls.filter((c) => c.command === 'settings.set').at(-1)!.input).toEqual({
      defaultBackend: 'wasm', dataWorkers: 2, gemmProvider: null, webgpuStorage: 'f16', llmEndpoints: [{ name: 'ollama', url: 'http://127.0.0.1:11434/v1', model: 'llama3.1' }],
    })
    expect(wrapper.get('[data-test="settings-saved"]').text()).toBe('Saved.')
    wrapper.unmount()
  }, 30_000)
})
