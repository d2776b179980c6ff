import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { clipEncoderLayer, type ClipEncoderLayerWeights } from '../../../../main/engine/clip/modeling_clip'
import { encoderLayerSpecs } from '../../../../main/engine/clip/weights_clip'
import { nestWeights } from '../../../../main/engine/tf/tree'
import { resolveStddConfig, type StddConfigInput } from '../../../../main/engine/stdd/config'
import { keptPatchMap, planMasks, type MaskPlan } from '../../../../main/engine/stdd/masking'
import { seededRng } from '../../../../main/engine/util/random'
import { toWindowLayout } from '../../../../main/engine/stdd/layout'
import { stcaLayer, stcaLayerClipOrder } from '../../../../main/engine/stdd/stca_block'
import { expectNoLeak, useWasm } from '../../../helpers/tf'
import { expectGradsMatchNumeric, randomTensor } from '../tf/numeric-grad'

beforeAll(async () => {
  await useWasm()
})

const names = (width: number, inter: number) => encoderLayerSpecs('', width, inter)

function layerWeights(width: number, inter: number, seed: number): { flat: tf.Tensor[]; tree: (ts: tf.Tensor[]) => ClipEncoderLayerWeights } {
  const specs = names(width, inter)
  const flat = specs.map((s, i) => (/layer_norm\d\.weight$/.test(s.name) ? tf.add(1, randomTensor(s.shape, seed + i, 0.2)) : randomTensor(s.shape, seed + i, 0.4)))
  return { flat, tree: (ts) => nestWeights<ClipEncoderLayerWeights>(new Map(specs.map((s, i) => [s.name, ts[i]!]))) }
}

function setup(input: StddConfigInput, grid: number, frames: number, batch: number, training = false, seed = 0): { plan: MaskPlan; stca: ReturnType<typeof resolveStddConfig>['stca'] } {
  const stca = resolveStddConfig(input).stca
  const plan = planMasks({ batch, geometry: { grid, window: stca.masking.window, frames }, masking: stca.masking, training, rng: seededRng(seed) })
  return { plan, stca }
}

const opts = (heads: number) => ({ numHeads: heads, layerNormEps: 1e-5, hiddenAct: 'quick_gelu' as const })
const call = (heads: number) => ({ numHeads: heads, probs: 'none' as const, layerIndex: 0 })

describe('STCA block', () => {
  it('reads only the CLIP layer weights (adds no parameters) and leaves no tensor behind', async () => {
    const w = layerWeights(16, 32, 1)
    const run = setup({ stca: { mixing: { fold: 4 } } }, 4, 4, 1)
    const used = new Set<string>()
    const spy = (tree: unknown, path: string): unknown =>
      tree instanceof tf.Tensor ? tree : new Proxy(tree as object, { get: (t, k) => (used.add(`${path}${String(k)}`), spy((t as Record<string, unknown>)[k as string], `${path}${String(k)}.`)) })
    await expectNoLeak(() =>
      tf.tidy(() => {
        const x = randomTensor([4, 17, 16], 3) as tf.Tensor3D
        stcaLayer(x, spy(w.tree(w.flat), '') as ClipEncoderLayerWeights, opts(2), call(2), run)
      }),
    )
    const leaves = [...used].filter((k) => /\.(weight|bias)$/.test(k))
    expect(new Set(leaves)).toEqual(new Set(names(16, 32).map((s) => s.name)))
    tf.dispose(w.flat)
  })

  it('dropped patches equal the plain block; kept ones and CLS (branch) do not; CLS from the main path is the plain one', () => {
    const w = layerWeights(16, 32, 2)
    tf.tidy(() => {
      // an even 6×6 grid (9 windows), 3 frames, 2 clips, scales [1, 3]
      const run = setup({ stca: { mixing: { fold: 4, scales: [1, 3] } } }, 6, 3, 2)
      const x = randomTensor([6, 37, 16], 4) as tf.Tensor3D
      const y = stcaLayerClipOrder(x, w.tree(w.flat), opts(2), call(2), run).arraySync()
      const plain = clipEncoderLayer(x, w.tree(w.flat), opts(2), call(2)).hidden.arraySync()
      const kept = keptPatchMap(run.plan)
      const diff = (a: number[], b: number[]) => Math.max(...a.map((v, i) => Math.abs(v - b[i]!)))
      for (let f = 0; f < 6; f++) {
        const k = kept[Math.floor(f / 3)]![f % 3]!
        expect(k.filter(Boolean)).toHaveLength(18)
        for (let p = 0; p < 36; p++) {
          const d = diff(y[f]![1 + p]!, plain[f]![1 + p]!)
          if (k[p]) expect(d, `frame ${f} kept patch ${p}`).toBeGreaterThan(1e-3)
          else expect(d, `frame ${f} dropped patch ${p}`).toBeLessThan(1e-5)
        }
        expect(diff(y[f]![0]!, plain[f]![0]!)).toBeGreaterThan(1e-3)
      }
      const runMain = setup({ stca: { cls: 'main', mixing: { fold: 4, scales: [1, 3] } } }, 6, 3, 2)
      const yMain = stcaLayerClipOrder(x, w.tree(w.flat), opts(2), call(2), runMain).arraySync()
      for (let f = 0; f < 6; f++) expect(diff(yMain[f]![0]!, plain[f]![0]!)).toBeLessThan(1e-5)
    })
    tf.dispose(w.flat)
  })

  it('without WSM every patch comes from the branch; with one scale it differs from two', () => {
    const w = layerWeights(16, 32, 3)
    tf.tidy(() => {
      const x = randomTensor([4, 17, 16], 5) as tf.Tensor3D
      const run = setup({ stca: { masking: { enabled: false }, mixing: { fold: 4 } } }, 4, 4, 1)
      expect(run.plan.kept).toBe(16)
      const y = stcaLayerClipOrder(x, w.tree(w.flat), opts(2), call(2), run)
      const plain = clipEncoderLayer(x, w.tree(w.flat), opts(2), call(2)).hidden
      const perToken = tf.max(tf.abs(tf.sub(y, plain)), 2).arraySync() as number[][]
      for (const row of perToken) for (const v of row) expect(v).toBeGreaterThan(1e-4)
      const one = stcaLayer(x, w.tree(w.flat), opts(2), call(2), setup({ stca: { mixing: { fold: 4, scales: [1] } } }, 4, 4, 1)).hidden
      const two = stcaLayer(x, w.tree(w.flat), opts(2), call(2), setup({ stca: { mixing: { fold: 4, scales: [1, 2] } } }, 4, 4, 1)).hidden
      expect(tf.max(tf.abs(tf.sub(one, two))).dataSync()[0]).toBeGreaterThan(1e-4)
    })
    tf.dispose(w.flat)
  })

  it('returns the main path attention probabilities when asked', () => {
    const w = layerWeights(16, 32, 4)
    tf.tidy(() => {
      const x = randomTensor([4, 17, 16], 6) as tf.Tensor3D
      const run = setup({ stca: { mixing: { fold: 4 } } }, 4, 4, 1)
      const xl = toWindowLayout(x, run.plan.geometry)
      const r = stcaLayer(xl, w.tree(w.flat), opts(2), { ...call(2), probs: 'mean' }, run)
      const plain = clipEncoderLayer(xl, w.tree(w.flat), opts(2), { ...call(2), probs: 'mean' })
      expect(r.probs!.shape).toEqual([4, 17, 17])
      expect(tf.max(tf.abs(tf.sub(r.probs!, plain.probs!))).dataSync()[0]).toBeLessThan(1e-6)
    })
    tf.dispose(w.flat)
  })

  it('gradients of the whole block (input and every weight) match numerical gradients', () => {
    // width 8, 2 heads, 2×2 grid (one window), 4 frames, fold 4 (d = 2), scales [1, 2], a training mask plan
    const w = layerWeights(8, 12, 5)
    const run = setup({ stca: { mixing: { fold: 4, scales: [1, 2] } } }, 2, 4, 1, true, 3)
    const x = randomTensor([4, 5, 8], 7)
    const r = randomTensor([4, 5, 8], 8)
    const loss = (xs: tf.Tensor[]): tf.Scalar => tf.sum(tf.mul(stcaLayer(xs[0] as tf.Tensor3D, w.tree(xs.slice(1)), opts(2), call(2), run).hidden, r))
    expectGradsMatchNumeric(loss, [x, ...w.flat], 5e-3)
    tf.dispose([x, r, ...w.flat])
  })

  it('the row-selection path (per-window masks) gives the same block and input gradients as the slot product', () => {
    // 4×4 grid (4 windows): a training plan (random phase, shuffled frames)
    const w = layerWeights(8, 12, 6)
    const run = setup({ stca: { mixing: { fold: 4, scales: [1, 2] } } }, 4, 4, 1, true, 5)
    const x = randomTensor([4, 17, 8], 9)
    const r = randomTensor([4, 17, 8], 10)
    tf.tidy(() => {
      const auto = stcaLayerClipOrder(x as tf.Tensor3D, w.tree(w.flat), opts(2), call(2), run)
      const rows = stcaLayerClipOrder(x as tf.Tensor3D, w.tree(w.flat), opts(2), call(2), { ...run, selection: 'rows' })
      expect(tf.max(tf.abs(tf.sub(auto, rows))).dataSync()[0]).toBeLessThan(1e-5)
    })
    const loss = (xs: tf.Tensor[]): tf.Scalar => tf.sum(tf.mul(stcaLayerClipOrder(xs[0] as tf.Tensor3D, w.tree(w.flat), opts(2), call(2), { ...run, selection: 'rows' }), r))
    expectGradsMatchNumeric(loss, [x], 5e-3)
    tf.dispose([x, r, ...w.flat])
  })
})
