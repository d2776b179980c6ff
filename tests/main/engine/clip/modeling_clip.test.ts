import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { clipAttention, clipEncoder, clipEncoderLayer, clipMlp, type AttentionCall, type ClipAttentionFn, type ClipEncoderLayerWeights } from '../../../../main/engine/clip/modeling_clip'
import { ClipModel } from '../../../../main/engine/clip/modeling_clip_model'
import { eosPositions } from '../../../../main/engine/clip/modeling_clip_text'
import { clipVisionTransformer } from '../../../../main/engine/clip/modeling_clip_vision'
import { encoderLayerSpecs, placeWeights, type ClipVisionWeights } from '../../../../main/engine/clip/weights_clip'
import { layerNorm } from '../../../../main/engine/tf/layer_norm'
import { flattenWeights, nestWeights, replaceWeights, type WeightTree } from '../../../../main/engine/tf/tree'
import { tempDir } from '../../../helpers/temp-dir'
import { expectNoLeak, useWasm } from '../../../helpers/tf'
import { maxAbsDiff, randomTensor } from '../tf/numeric-grad'
import { randomSource, tinyConfig } from './tiny'

let model: ClipModel
const config = tinyConfig()

beforeAll(async () => {
  await useWasm()
  model = ClipModel.fromSource(config, randomSource(config), 'tiny')
})
afterAll(() => model.dispose())

const vision = (): ClipVisionWeights => model.weights.vision_model!
const opts = { numHeads: 4, layerNormEps: 1e-5, hiddenAct: 'gelu' as const }

describe('encoder layer', () => {
  it('loads one layer from Hugging Face names (layer_norm1.weight, self_attn.q_proj.weight [out, in], …)', () => {
    tf.tidy(() => {
      const src = randomSource(config)
      const prefix = 'vision_model.encoder.layers.1.'
      const specs = encoderLayerSpecs('', 16, 32)
      const flat = new Map(specs.map((s) => [s.name, tf.tensor(src.readFloat32(prefix + s.name), s.shape)]))
      const layer = nestWeights<ClipEncoderLayerWeights>(flat)
      expect(layer.self_attn.q_proj.weight.shape).toEqual([16, 16])
      expect(layer.mlp.fc1.weight.shape).toEqual([32, 16])
      const x = randomTensor([2, 5, 16], 3) as tf.Tensor3D
      const call: AttentionCall = { numHeads: 4, probs: 'none', layerIndex: 0 }
      expect(maxAbsDiff(clipEncoderLayer(x, layer, opts, call).hidden, clipEncoderLayer(x, vision().encoder.layers[1]!, opts, call).hidden)).toBe(0)
      // placeWeights validates a single layer the same way as a whole model.
      expect(() => placeWeights(specs, { has: (n) => flat.has(n), info: (n) => ({ shape: n.endsWith('fc2.weight') ? [32, 16] : flat.get(n)!.shape }), readFloat32: () => new Float32Array() }, 'layer')).toThrow(
        'tensor "mlp.fc2.weight" has shape [32,16], expected [16,32]',
      )
    })
  })

  it('takes another attention step, called with the layer index, and keeps the residual/MLP structure', () => {
    tf.tidy(() => {
      const w = vision().encoder.layers[0]!
      const x = randomTensor([2, 5, 16], 4) as tf.Tensor3D
      const calls: AttentionCall[] = []
      const zeroAttention: ClipAttentionFn = (h, _w, call) => {
        calls.push(call)
        return { out: tf.zerosLike(h) }
      }
      const out = clipEncoderLayer(x, w, opts, { numHeads: 4, probs: 'none', layerIndex: 7 }, zeroAttention).hidden
      // Zero attention: out = x + MLP(LN2(x)).
      expect(maxAbsDiff(out, tf.add(x, clipMlp(layerNorm(x, w.layer_norm2, 1e-5), w.mlp, 'gelu')))).toBeLessThan(1e-6)
      clipEncoder(x, vision().encoder.layers, opts, { attention: zeroAttention, attentionProbs: 'mean' })
      expect(calls.map((c) => [c.layerIndex, c.probs])).toEqual([
        [7, 'none'],
        [0, 'none'],
        [1, 'mean'],
      ])
    })
  })

  it('returns the last layer attention probabilities from the same pass', () => {
    tf.tidy(() => {
      const x = randomTensor([2, 5, 16], 5) as tf.Tensor3D
      const layers = vision().encoder.layers
      const heads = clipEncoder(x, layers, opts, { attentionProbs: 'heads' })
      const mean = clipEncoder(x, layers, opts, { attentionProbs: 'mean' })
      expect(heads.lastAttention!.shape).toEqual([2, 4, 5, 5])
      expect(maxAbsDiff(mean.lastAttention!, tf.mean(heads.lastAttention!, 1))).toBeLessThan(1e-6)
      const h1 = clipEncoderLayer(x, layers[0]!, opts, { numHeads: 4, probs: 'none', layerIndex: 0 }).hidden
      const direct = clipAttention(layerNorm(h1, layers[1]!.layer_norm1, 1e-5), layers[1]!.self_attn, { numHeads: 4, probs: 'heads', layerIndex: 1 })
      expect(maxAbsDiff(heads.lastAttention!, direct.probs!)).toBeLessThan(1e-6)
      expect(maxAbsDiff(heads.lastHiddenState, clipEncoder(x, layers, opts).lastHiddenState)).toBe(0)
      expect(clipEncoder(x, layers, opts).lastAttention).toBeUndefined()
    })
  })

  it('accepts a whole replacement layer', () => {
    tf.tidy(() => {
      const x = randomTensor([1, 3, 16], 6) as tf.Tensor3D
      const r = clipEncoder(x, vision().encoder.layers, opts, { layer: (h) => ({ hidden: tf.mul(h, 2) as tf.Tensor3D }) })
      expect(maxAbsDiff(r.lastHiddenState, tf.mul(x, 4))).toBeLessThan(1e-6)
    })
  })
})

describe('training the vision tower on WASM', () => {
  it('gets the same gradients with and without per-layer recomputation, for every weight (no gather/conv gradients needed)', () => {
    const tree = vision() as unknown as WeightTree
    const vars = flattenWeights(tree).map(([, t]) => tf.variable(t.clone()))
    const w = replaceWeights(tree, vars) as unknown as ClipVisionWeights
    const pixels = randomTensor([2, 3, 16, 16], 7) as tf.Tensor4D
    const r = randomTensor([2, 16], 8)
    const lossOf = (recompute: boolean) => () => tf.sum(tf.mul(clipVisionTransformer(pixels, w, config.vision, { recompute }).pooled, r)) as tf.Scalar
    const plain = tf.variableGrads(lossOf(false), vars)
    const checkpointed = tf.variableGrads(lossOf(true), vars)
    expect(Object.keys(checkpointed.grads).length).toBe(vars.length)
    expect(Math.abs(plain.value.dataSync()[0]! - checkpointed.value.dataSync()[0]!)).toBeLessThan(1e-5)
    for (const v of vars) expect(maxAbsDiff(plain.grads[v.name]!, checkpointed.grads[v.name]!), v.name).toBeLessThan(1e-4)
    // Every weight receives a gradient, the patch filter and class token included.
    const patch = w.embeddings.patch_embedding.weight as tf.Variable
    expect(tf.tidy(() => tf.sum(tf.abs(checkpointed.grads[patch.name]!)).dataSync()[0]!)).toBeGreaterThan(0)
    tf.dispose([plain.value, checkpointed.value, ...Object.values(plain.grads), ...Object.values(checkpointed.grads), ...vars, pixels, r])
  })

  it('refuses attention probabilities together with recomputation', () => {
    tf.tidy(() => {
      expect(() => clipEncoder(randomTensor([1, 3, 16], 9) as tf.Tensor3D, vision().encoder.layers, opts, { recompute: true, attentionProbs: 'mean' })).toThrow('cannot be returned with recompute')
    })
  })
})

describe('CLIPModel', () => {
  it('encodes images and texts to [N, projection_dim], and logits are exp(scale)·cosine', () => {
    tf.tidy(() => {
      const img = model.encodeImages(randomTensor([3, 3, 16, 16], 10) as tf.Tensor4D).imageEmbeds
      const txt = model.encodeTexts([
        [0, 5, 49, 49],
        [0, 49, 49, 49],
      ]).textEmbeds
      expect(img.shape).toEqual([3, 8])
      expect(txt.shape).toEqual([2, 8])
      const logits = model.logitsPerImage(img, txt)
      const cos = tf.matMul(tf.div(img, tf.norm(img, 2, 1, true)), tf.div(txt, tf.norm(txt, 2, 1, true)), false, true)
      expect(maxAbsDiff(logits, tf.mul(cos, tf.exp(model.weights.logit_scale)))).toBeLessThan(1e-5)
    })
  })

  it('pools the text tower at the end-of-text token: highest id for the legacy eos_token_id 2, else the first eos id', () => {
    expect(eosPositions([[49406, 320, 49407, 49407]], 2)).toEqual([2])
    expect(eosPositions([[0, 7, 2, 2, 9]], 2)).toEqual([4]) // legacy rule: argmax of ids, never id 2
    expect(eosPositions([[0, 7, 2, 2, 9]], 9)).toEqual([4])
    expect(eosPositions([[0, 7, 3, 3, 3]], 3)).toEqual([2])
    tf.tidy(() => {
      // Changing a token after the end-of-text token does not change the pooled state (causal mask).
      const a = model.encodeTexts([[0, 5, 6, 49, 7, 7]]).pooled
      const b = model.encodeTexts([[0, 5, 6, 49, 8, 1]]).pooled
      expect(maxAbsDiff(a, b)).toBeLessThan(1e-6)
    })
  })

  it('says which tower is missing, and why ids or pixels do not fit', () => {
    const visionOnly = ClipModel.fromSource(config, randomSource(config), 'tiny', { towers: ['vision'] })
    expect(visionOnly.weights.text_model).toBeUndefined()
    expect(() => visionOnly.encodeTexts([[0, 1]])).toThrow('the text tower was not loaded')
    visionOnly.dispose()
    expect(() => model.encodeTexts([[0, 50]])).toThrow('token id 50 is outside the vocabulary (0…49)')
    tf.tidy(() => {
      expect(() => model.encodeImages(tf.zeros([1, 3, 32, 32]) as tf.Tensor4D)).toThrow('pixels [1,3,32,32] do not fit the model: expected [N, 3, 16, 16]')
    })
  })

  it('reports every missing or mis-shaped weight by name, expected and found shape', () => {
    const src = randomSource(config)
    src.data.delete('vision_model.encoder.layers.1.mlp.fc1.bias')
    src.data.set('text_projection.weight', { shape: [16, 8], values: new Float32Array(128) })
    expect(() => ClipModel.fromSource(config, src, '/m/model.safetensors')).toThrow(
      '/m/model.safetensors: 2 weight problem(s) for this config: tensor "text_projection.weight" has shape [16,8], expected [8,16]; missing tensor "vision_model.encoder.layers.1.mlp.fc1.bias" (expected shape [32])',
    )
  })

  it('saves a folder that loads back to the same model (config, weights by Hugging Face name)', async () => {
    const dir = tempDir()
    try {
      await model.savePretrained(dir.path)
      const again = ClipModel.fromPretrained(dir.path)
      try {
        expect(again.config).toEqual(model.config)
        expect(again.unexpected).toEqual([])
        tf.tidy(() => {
          const pixels = randomTensor([1, 3, 16, 16], 12) as tf.Tensor4D
          expect(maxAbsDiff(again.encodeImages(pixels).imageEmbeds, model.encodeImages(pixels).imageEmbeds)).toBe(0)
          expect(maxAbsDiff(again.encodeTexts([[0, 4, 49]]).textEmbeds, model.encodeTexts([[0, 4, 49]]).textEmbeds)).toBe(0)
        })
      } finally {
        again.dispose()
      }
    } finally {
      dir.remove()
    }
  })

  it('leaks no tensors across repeated encodes', async () => {
    const pixels = randomTensor([2, 3, 16, 16], 11) as tf.Tensor4D
    for (let i = 0; i < 3; i++) {
      await expectNoLeak(() => {
        const v = model.encodeImages(pixels, { lastHiddenState: true, attentionProbs: 'heads' })
        const t = model.encodeTexts([[0, 3, 49]], [[1, 1, 1]])
        tf.dispose([v.imageEmbeds, v.pooled, v.lastHiddenState!, v.lastAttention!, t.textEmbeds, t.pooled, model.logitsPerImage(v.imageEmbeds, t.textEmbeds)])
      })
    }
    pixels.dispose()
  })
})
