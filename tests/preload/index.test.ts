import { describe, expect, it } from 'vitest'
import { contextBridge, ipcRenderer } from '../mocks/electron'
import type { StddBridge } from '../../contract'

describe('the preload', () => {
  it('exposes window.api — the contract bridge — and nothing else', async () => {
    ipcRenderer.invoke.mockResolvedValue({ ok: true, value: [] } as never)
    await import('../../preload/index')
    expect(contextBridge.exposeInMainWorld).toHaveBeenCalledTimes(1)
    const [name, api] = contextBridge.exposeInMainWorld.mock.calls[0] as unknown as [string, StddBridge]
    expect(name).toBe('api')
    expect(Object.keys(api).sort()).toEqual(['invoke', 'on', 'transport'])
    expect(api.transport).toBe('electron')
    expect(await api.invoke('experiments.list', {})).toEqual({ ok: true, value: [] })
    expect(ipcRenderer.invoke).toHaveBeenCalledWith('stdd:invoke', 'experiments.list', {})
    // A channel outside the contract never reaches ipcRenderer.
    expect(await api.invoke('shell.exec' as never, {} as never)).toMatchObject({ ok: false, error: { code: 'unknown_command' } })
    expect(ipcRenderer.invoke).toHaveBeenCalledTimes(1)
  })
})
