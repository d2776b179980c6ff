import { flushPromises, mount } from '@vue/test-utils'
import { createPinia } from 'pinia'
import { afterAll, describe, expect, it, vi } from 'vitest'
import type { MapVideo, VideoMaps } from '../../contract/api-runtime'
import { fakeBridge } from './fake-bridge'

const KEY = 'synthmotion/unseen/unseen classes'
const FRAMES = 4
const GRID = 2
const CLASSES = ['spin-left', 'spin-right']
const PROMPTS = [['a video of spinning to the left', 'turning counter-clockwise'], ['a video of spinning to the right', 'turning clockwise']]

/** Run r's attention: in frame t, patch (t mod 4) gets weight 1 + r, the others 0.5 (so each frame's peak moves). */
function attention(run: number): Float32Array {
  const a = new Float32Array(FRAMES * GRID * GRID).fill(0.5)
  for (let t = 0; t < FRAMES; t++) a[t * GRID * GRID + (t % 4)] = 1 + run
  return a
}
/** scores[t][k][m] = 10·k + m + t/10. */
const SCORES = Float32Array.from({ length: FRAMES * 2 * 2 }, (_, i) => {
  const [t, k, m] = [Math.floor(i / 4), Math.floor(i / 2) % 2, i % 2]
  return 10 * k + m + t / 10
})

const ids: Record<number, { frames: number; attention: number; scores: number }> = { 3: { frames: 31, attention: 32, scores: 33 }, 5: { frames: 51, attention: 52, scores: 53 } }
const bytes: Record<number, Uint8Array> = {
  31: new Uint8Array([137, 80, 78, 71]),
  51: new Uint8Array([137, 80, 78, 71]),
  32: new Uint8Array(attention(3).buffer),
  52: new Uint8Array(attention(5).buffer),
  33: new Uint8Array(SCORES.buffer),
  53: new Uint8Array(SCORES.buffer),
}

const videos: MapVideo[] = [
  { evalKey: KEY, video: 'spin-left video 0', label: 0, className: 'spin-left', runIds: [3, 5] },
  { evalKey: KEY, video: 'spin-right video 0', label: 1, className: 'spin-right', runIds: [5] },
]
const maps = (runId: number, video: string): VideoMaps => ({
  runId,
  evalKey: KEY,
  video,
  label: video.startsWith('spin-left') ? 0 : 1,
  className: video.startsWith('spin-left') ? 'spin-left' : 'spin-right',
  predicted: runId === 3 ? 1 : 0,
  predictedName: runId === 3 ? 'spin-right' : 'spin-left',
  frames: { artifactId: ids[runId]!.frames, count: FRAMES, width: 64, height: 64 },
  attention: { artifactId: ids[runId]!.attention, frames: FRAMES, grid: GRID },
  scores: { artifactId: ids[runId]!.scores, frames: FRAMES, classes: CLASSES, prompts: PROMPTS },
})

const bridge = fakeBridge({ 'maps.videos': videos, 'maps.get': (i) => maps(i.runId, i.video) })
/** The served bytes: what `stdd serve`'s /api/artifacts/<id> route answers. */
const fetched: string[] = []
vi.stubGlobal('fetch', async (url: string) => {
  fetched.push(url)
  const id = Number(/\/api\/artifacts\/(\d+)$/.exec(url)?.[1])
  return new Response(bytes[id] ? new Uint8Array(bytes[id]) : 'no such artifact', { status: bytes[id] ? 200 : 404 })
})
afterAll(() => vi.unstubAllGlobals())

async function mountAt(url: string) {
  window.api = bridge
  const { default: MapsView } = await import('../../renderer/views/MapsView.vue')
  const { createExplorerRouter } = await import('../../renderer/router')
  const router = createExplorerRouter()
  await router.push(url)
  const wrapper = mount(MapsView, { global: { plugins: [createPinia(), router] } })
  await flushPromises()
  await flushPromises()
  return { wrapper, router }
}

const opacities = (panel: { findAll(s: string): { attributes(n: string): string | undefined }[] }) =>
  panel.findAll('[data-test="attention-overlay"] span').map((s) => Number(/opacity: ([\d.]+)/.exec(s.attributes('style') ?? '')?.[1]))

describe('the maps view', { timeout: 30_000 }, () => {
  it('shows one video in every selected run, its attention over the slider’s frame, and the frame × prompt scores', async () => {
    const { wrapper, router } = await mountAt('/maps?runs=3,5')
    expect(bridge.calls.filter((c) => c.command === 'maps.get').map((c) => c.input)).toEqual([
      { runId: 3, evalKey: KEY, video: 'spin-left video 0' },
      { runId: 5, evalKey: KEY, video: 'spin-left video 0' },
    ])
    // Binary artifacts come over the HTTP route, never as JSON numbers.
    expect(fetched.sort()).toEqual(['/api/artifacts/32', '/api/artifacts/33', '/api/artifacts/52', '/api/artifacts/53'])
    const panels = wrapper.findAll('[data-test="maps-run"]')
    expect(panels).toHaveLength(2)
    expect(panels[0]!.get('[data-test="maps-prediction"]').text()).toBe('✗ predicted spin-right')
    expect(panels[1]!.get('[data-test="maps-prediction"]').text()).toBe('✓ predicted spin-left')
    expect(panels[0]!.get('[data-test="maps-frame"]').attributes('style')).toContain('/api/artifacts/31')
    // Frame 1: patch 0 is the peak (scaled to 1 → opacity 0.7); the rest 0.7 · 0.5 / (1 + run).
    expect(opacities(panels[0]!)).toEqual([0.7, 0.087, 0.087, 0.087])
    expect(opacities(panels[1]!)).toEqual([0.7, 0.058, 0.058, 0.058])

    await wrapper.get('[data-test="frame-slider"]').setValue('3')
    await flushPromises()
    expect(router.currentRoute.value.query.frame).toBe('3')
    expect(wrapper.get('[data-test="frame-number"]').text()).toBe('3')
    for (const p of wrapper.findAll('[data-test="maps-run"]')) expect(opacities(p).indexOf(0.7)).toBe(2) // one slider drives every run
    expect(wrapper.findAll('[data-test="maps-frame"]')[1]!.attributes('style')).toContain('background-position: 66.66')

    const matrices = wrapper.findAll('[data-test="score-matrix"]')
    expect(matrices).toHaveLength(2)
    expect(matrices[0]!.get('[data-test="score-prompts"]').text()).toContain('spin-left: a video of spinning to the left · turning counter-clockwise')
    expect(matrices[0]!.get('[data-test="score-prompts"]').text()).toContain('spin-right: a video of spinning to the right · turning clockwise')
    expect(matrices[1]!.get('[data-test="score-prompts"]').text()).not.toContain('spin-right')
  })

  it('switches video, showing only the runs that kept it', async () => {
    const { wrapper, router } = await mountAt('/maps?runs=3,5')
    await wrapper.get('[data-test="maps-video"]').setValue('1')
    await flushPromises()
    expect(router.currentRoute.value.query.video).toBe('spin-right video 0')
    expect(wrapper.findAll('[data-test="maps-run"]')).toHaveLength(1)
    expect(wrapper.text()).toContain('no maps of this video in run 3')
  })
})
