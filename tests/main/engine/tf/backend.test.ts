import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import { parseBackendName } from '../../../../contract/vocabulary'
import { activeBackend, BACKEND_ORDER, describeBackend, selectBackend } from '../../../../main/engine/tf/backend'

describe('backend selection', () => {
  it('picks the best backend that starts and says why the better ones were skipped', async () => {
    const report = await selectBackend()
    expect(report.forced).toBe(false)
    const order = BACKEND_ORDER.indexOf(report.name)
    // Every backend before the chosen one was tried and skipped with a reason.
    expect(report.skipped.map((s) => s.name)).toEqual(BACKEND_ORDER.slice(0, order))
    for (const s of report.skipped) expect(s.reason.length).toBeGreaterThan(10)
    expect(tf.getBackend()).toBe(report.name === 'node' || report.name === 'node-gpu' ? 'tensorflow' : report.name)
    expect(activeBackend()).toBe(report)
    expect(describeBackend(report)).toContain(`backend ${report.name}`)
    // The chosen backend computes.
    const y = tf.tidy(() => tf.matMul(tf.tensor2d([[1, 2]]), tf.tensor2d([[3], [4]])).dataSync()[0])
    expect(y).toBe(11)
  })

  it('rejects an unknown backend name, listing the choices', () => {
    expect(() => parseBackendName('cuda', '--backend')).toThrow('--backend: unknown backend "cuda"; choose one of node-gpu, node, webgpu, wasm, cpu')
    expect(parseBackendName('wasm', 'x')).toBe('wasm')
  })
})
