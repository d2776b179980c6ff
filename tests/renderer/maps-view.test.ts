import { flushPromises } from '@vue/test-utils'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { encodeFloat16, encodeUint8, type MapVideo, type VideoMaps } from '../../contract/api-runtime'
import { fakeBridge } from './fake-bridge'
import { appInfo } from './fixtures'
import { mountApp } from './mount-app'

const KEY = 'synthmotion/unseen/unseen classes'
const FRAMES = 4
const GRID = 2
const CLASSES = ['spin-left', 'spin-right']
const PROMPTS = [['a video of spin-left.', 'a video of spin-left, turning counter-clockwise.'], ['a video of spin-right.', 'a video of spin-right, turning clockwise.']]
const KINDS: ('C' | 'S' | 'T' | null)[][] = [['C', 'T'], ['C', 'T']]

/** Run r's attention: in frame t, patch (t mod 4) gets weight 1 + r, the others 0.5 (so each frame's peak moves). */
function attention(run: number): number[] {
  const a = new Array<number>(FRAMES * GRID * GRID).fill(0.5)
  for (let t = 0; t < FRAMES; t++) a[t * GRID * GRID + (t % 4)] = 1 + run
  return a
}
/** Run r's scores[t][k][m] = 10·k + m + t/4 (+1 for run 5): exact in float16. */
const scores = (run: number) => Array.from({ length: FRAMES * 2 * 2 }, (_, i) => 10 * (Math.floor(i / 2) % 2) + (i % 2) + Math.floor(i / 4) / 4 + (run === 5 ? 1 : 0))
const attentionMaps = { 3: encodeUint8(attention(3)), 5: encodeUint8(attention(5)) }

const ids: Record<number, { frames: number; attention: number; scores: number }> = { 3: { frames: 31, attention: 32, scores: 33 }, 5: { frames: 51, attention: 52, scores: 53 } }
const PNG = new Uint8Array([137, 80, 78, 71])
const bytes: Record<number, Uint8Array> = { 31: PNG, 51: PNG, 32: attentionMaps[3].bytes, 52: attentionMaps[5].bytes, 33: encodeFloat16(scores(3)), 53: encodeFloat16(scores(5)) }

const videos: MapVideo[] = [
  { evalKey: KEY, video: 'spin-left video 0', label: 0, className: 'spin-left', runIds: [3, 5] },
  { evalKey: KEY, video: 'spin-left video 1', label: 0, className: 'spin-left', runIds: [3, 5] },
  { evalKey: KEY, video: 'spin-right video 0', label: 1, className: 'spin-right', runIds: [5] },
]
const maps = (runId: 3 | 5, video: string): VideoMaps => ({
  runId,
  evalKey: KEY,
  video,
  label: video.startsWith('spin-left') ? 0 : 1,
  className: video.startsWith('spin-left') ? 'spin-left' : 'spin-right',
  predicted: runId === 3 ? 1 : 0,
  predictedName: runId === 3 ? 'spin-right' : 'spin-left',
  frames: { artifactId: ids[runId]!.frames, count: FRAMES, width: 64, height: 64 },
  attention: { artifactId: ids[runId]!.attention, frames: FRAMES, grid: GRID, encoding: attentionMaps[runId].encoding },
  scores: { artifactId: ids[runId]!.scores, frames: FRAMES, encoding: { dtype: 'float16' }, classIndices: [0, 1], classes: CLASSES, prompts: PROMPTS, kinds: KINDS },
})

const bridge = fakeBridge({ 'app.info': appInfo, 'experiments.list': [], 'runs.list': [], 'logs.recent': [], 'maps.videos': videos, 'maps.get': (i) => maps(i.runId as 3 | 5, i.video) })
window.api = bridge
/** The served bytes: what `stdd serve`'s /api/artifacts/<id> route answers. */
const fetched: string[] = []
vi.stubGlobal('fetch', async (url: string) => {
  fetched.push(url)
  const id = Number(/\/api\/artifacts\/(\d+)$/.exec(url)?.[1])
  return new Response(bytes[id] ? new Uint8Array(bytes[id]) : 'no such artifact', { status: bytes[id] ? 200 : 404 })
})
afterAll(() => vi.unstubAllGlobals())

async function mountAt(url: string) {
  bridge.calls.length = 0
  const mounted = await mountApp(url)
  await new Promise((r) => setTimeout(r, 50)) // the view is loaded on first use
  for (let i = 0; i < 4; i++) await flushPromises()
  return mounted
}

const opacities = (panel: { findAll(s: string): { attributes(n: string): string | undefined }[] }) =>
  panel.findAll('[data-test="attention-overlay"] span').map((s) => Number(/opacity: ([\d.]+)/.exec(s.attributes('style') ?? '')?.[1]))

describe('the maps view', { timeout: 30_000 }, () => {
  it('shows one video in every selected run, attention on one scale for all runs with its legend, and the frame × prompt scores', async () => {
    const { wrapper, router } = await mountAt('/maps?runs=3,5')
    expect(bridge.calls.filter((c) => c.command === 'maps.get').map((c) => c.input)).toEqual([
      { runId: 3, evalKey: KEY, video: 'spin-left video 0' },
      { runId: 5, evalKey: KEY, video: 'spin-left video 0' },
    ])
    // Every artifact comes through readArtifact (binary over the HTTP route), frames included.
    expect([...new Set(fetched)].sort()).toEqual(['/api/artifacts/31', '/api/artifacts/32', '/api/artifacts/33', '/api/artifacts/51', '/api/artifacts/52', '/api/artifacts/53'])
    const panels = wrapper.findAll('[data-test="maps-run"]')
    expect(panels).toHaveLength(2)
    expect(panels[0]!.get('[data-test="maps-prediction"]').text()).toBe('✗ predicted spin-right')
    expect(panels[1]!.get('[data-test="maps-prediction"]').text()).toBe('✓ predicted spin-left')
    expect(panels[0]!.get('[data-test="maps-frame"]').attributes('style')).toContain('data:image/png;base64,iVBORw==')
    // One scale for both runs: 0.5 (the floor) … 6 (run 5's peak). Run 3's peak 4 → 0.7 · 3.5 / 5.5.
    expect(wrapper.get('[data-test="attention-legend"] [data-test="legend-values"]').text()).toBe('0.5003.2506.000')
    expect(opacities(panels[0]!)).toEqual([0.445, 0, 0, 0])
    expect(opacities(panels[1]!)).toEqual([0.7, 0, 0, 0])

    await wrapper.get('[data-test="frame-slider"]').setValue('3')
    await flushPromises()
    expect(router.currentRoute.value.query.frame).toBe('3')
    expect(wrapper.get('[data-test="frame-number"]').text()).toBe('3')
    for (const p of wrapper.findAll('[data-test="maps-run"]')) expect(opacities(p).findIndex((o) => o > 0)).toBe(2) // one slider drives every run
    expect(wrapper.findAll('[data-test="maps-frame"]')[1]!.attributes('style')).toContain('background-position: 66.66')

    // Scores: one legend over the rows shown — run 3 both classes (0 … 11.75), run 5 only its true class (1 … 2.75).
    expect(wrapper.get('[data-test="score-legend"] [data-test="legend-values"]').text()).toBe('0.005.8811.75')
    const matrices = wrapper.findAll('[data-test="score-matrix"]')
    expect(matrices).toHaveLength(2)
    expect(matrices[0]!.get('[data-test="score-prompts"]').text()).toContain('spin-left: a video of spin-left. · a video of spin-left, turning counter-clockwise.')
    expect(matrices[0]!.get('[data-test="score-prompts"]').text()).toContain('spin-right: a video of spin-right. · a video of spin-right, turning clockwise.')
    expect(matrices[1]!.get('[data-test="score-prompts"]').text()).not.toContain('spin-right')
    wrapper.unmount()
  })

  it('lists the top-k prompts of each frame, of the true class, the predicted one or both', async () => {
    const { wrapper, router } = await mountAt('/maps?runs=3,5&frame=2')
    const tops = wrapper.findAll('[data-test="top-prompts"]')
    expect(tops).toHaveLength(2)
    const frames = tops[0]!.findAll('[data-test="top-prompts-frame"]')
    expect(frames).toHaveLength(FRAMES)
    // The true class's only clause prompt; [C] prompts are left out. Frame 2 is the slider's.
    expect(frames[1]!.text()).toBe('2Tturning counter-clockwise1.25')
    expect(frames[1]!.classes()).toContain('on')
    expect(tops[1]!.findAll('[data-test="top-prompts-frame"]')[0]!.text()).toBe('1Tturning counter-clockwise2.00')

    await wrapper.get('[data-test="top-of"]').setValue('both')
    await flushPromises()
    expect(router.currentRoute.value.query.of).toBe('both')
    // Run 3 predicted spin-right: its clause (11 + t/4) ranks first, tagged P; then the true class's, tagged T.
    expect(wrapper.findAll('[data-test="top-prompts"]')[0]!.findAll('[data-test="top-prompts-frame"]')[0]!.text()).toBe('1TPturning clockwise11.00TTturning counter-clockwise1.00')
    await wrapper.get('[data-test="top-k"]').setValue('1')
    await flushPromises()
    expect(wrapper.findAll('[data-test="top-prompts"]')[0]!.findAll('[data-test="top-prompts-frame"]')[3]!.text()).toBe('4TPturning clockwise11.75')
    wrapper.unmount()
  })

  it('picks any kept video by class, showing only the runs that kept it', async () => {
    const { wrapper, router } = await mountAt('/maps?runs=3,5')
    expect(wrapper.get('[data-test="maps-count"]').text()).toBe('2 of 3 videos')
    expect(wrapper.get('[data-test="maps-video"]').findAll('option').map((o) => o.text())).toEqual(['spin-left video 0', 'spin-left video 1'])
    await wrapper.get('[data-test="maps-video"]').setValue('1')
    await flushPromises()
    expect(router.currentRoute.value.query.video).toBe('spin-left video 1')
    await wrapper.get('[data-test="maps-class"]').setValue('1')
    await flushPromises()
    expect(router.currentRoute.value.query.video).toBe('spin-right video 0')
    expect(wrapper.findAll('[data-test="maps-run"]')).toHaveLength(1)
    expect(wrapper.text()).toContain('no maps of this video in run 3')
    wrapper.unmount()
  })
})
