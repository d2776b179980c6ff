import * as tf from '@tensorflow/tfjs'
import type { HiddenAct } from '../tf/activations'
import { activation } from '../tf/activations'
import { scaledDotProductAttention, type AttentionProbs, type SdpaResult } from '../tf/attention'
import { layerNorm, type LayerNormWeights } from '../tf/layer_norm'
import { linear, type LinearWeights } from '../tf/linear'
import { recompute } from '../tf/recompute'
import { flattenWeights, replaceWeights, type WeightTree } from '../tf/tree'
import { tidyRecord } from '../tf/tidy'

/**
 * CLIP's transformer encoder (transformers' `CLIPEncoderLayer` / `CLIPEncoder`), shared by the
 * vision and text towers.
 *
 * Weights are plain nested objects named exactly as the Hugging Face state dict below a layer
 * (`layer_norm1.weight`, `self_attn.q_proj.weight`, `mlp.fc1.bias`, …; Linear weights [out, in]):
 * `nestWeights(new Map([['layer_norm1.weight', t], …]))` (tf/tree.ts) gives a
 * {@link ClipEncoderLayerWeights}.
 *
 * ## Plugging in another attention
 * - Only the attention step: pass `attention` (a {@link ClipAttentionFn}) in the layer or encoder
 *   options. It receives the layer-normed hidden states [B, L, D], the layer's `self_attn` weights and
 *   the call (`numHeads`, `mask`, which probabilities to return, `layerIndex`), and returns the
 *   attention output [B, L, D] before the residual add (so it must apply `out_proj` itself, e.g. by
 *   calling {@link clipAttention} or {@link attentionOutput}). {@link clipAttention} is the default.
 * - A whole different block (e.g. Space-time Cross Attention, whose residuals differ): pass `layer`
 *   (a {@link ClipLayerFn}) to {@link clipEncoder}; build it from the exported pieces —
 *   `layerNorm(x, w.layer_norm1, eps)`, {@link clipAttention}, {@link clipMlp} — for instance
 *   `out = padded + clipMlp(layerNorm(main, w.layer_norm2, eps), w.mlp, act)`.
 * - Attention maps: ask for `attentionProbs: 'mean' | 'heads'` and the encoder returns the last
 *   layer's softmax probabilities from the same pass (no extra forward).
 * - Training memory: `recompute: true` runs every layer under activation recomputation
 *   (tf/recompute.ts); gradients then flow to the layer weights that are trainable `tf.Variable`s.
 * - Speed: write replacement steps with the primitives of tf/ — `linear`, `matMul`,
 *   `scaledDotProductAttention`, `layerNorm`, `activation` — whose forward and backward stay on
 *   WASM's fast 2-D product (a plain `tf.matMul` with a transposed or batched operand, or its
 *   default gradient, runs ≈10–20× slower there).
 */

export interface ClipAttentionWeights {
  q_proj: LinearWeights
  k_proj: LinearWeights
  v_proj: LinearWeights
  out_proj: LinearWeights
}

export interface ClipMlpWeights {
  fc1: LinearWeights
  fc2: LinearWeights
}

export interface ClipEncoderLayerWeights {
  layer_norm1: LayerNormWeights
  self_attn: ClipAttentionWeights
  layer_norm2: LayerNormWeights
  mlp: ClipMlpWeights
}

/** Sizes and constants of one encoder (from the tower's config). */
export interface ClipEncoderOptions {
  numHeads: number
  layerNormEps: number
  hiddenAct: HiddenAct
}

export interface AttentionCall {
  numHeads: number
  /** Additive mask broadcastable to [B, heads, L, L] (causal/padding for text; none for vision). */
  mask?: tf.Tensor | undefined
  probs: AttentionProbs
  layerIndex: number
}

/** An attention step: normalised hidden states in, attention output (after out_proj) out. */
export type ClipAttentionFn = (x: tf.Tensor3D, w: ClipAttentionWeights, call: AttentionCall) => SdpaResult

export interface LayerResult {
  hidden: tf.Tensor3D
  /** The layer's attention probabilities when asked for. */
  probs?: tf.Tensor
}

/** A whole encoder block: hidden states in, hidden states out (residuals included). */
export type ClipLayerFn<W = ClipEncoderLayerWeights> = (x: tf.Tensor3D, w: W, opts: ClipEncoderOptions, call: AttentionCall) => LayerResult

/** The attention output projection: `out_proj(x)`. */
export function attentionOutput(x: tf.Tensor3D, w: ClipAttentionWeights): tf.Tensor3D {
  return linear(x, w.out_proj)
}

/** The query, key and value projections of (layer-normed) hidden states, each [B, L, D]. */
export interface QkvProjections {
  q: tf.Tensor3D
  k: tf.Tensor3D
  v: tf.Tensor3D
}

export function qkvProjections(x: tf.Tensor3D, w: ClipAttentionWeights): QkvProjections {
  return tf.tidy(() => ({ q: linear(x, w.q_proj), k: linear(x, w.k_proj), v: linear(x, w.v_proj) }))
}

/** Scaled dot-product attention over given projections, then out_proj (the rest of `CLIPAttention`). */
export function attendProjections(p: QkvProjections, w: ClipAttentionWeights, call: AttentionCall): SdpaResult {
  return tidyRecord((): SdpaResult => {
    const r = scaledDotProductAttention(p.q, p.k, p.v, { numHeads: call.numHeads, mask: call.mask, probs: call.probs })
    const out: SdpaResult = { out: attentionOutput(r.out, w) }
    if (r.probs) out.probs = r.probs
    return out
  })
}

/** transformers' `CLIPAttention`: q/k/v projections, scaled dot-product attention, out_proj. */
export const clipAttention: ClipAttentionFn = (x, w, call) => tidyRecord((): SdpaResult => attendProjections(qkvProjections(x, w), w, call))

/** transformers' `CLIPMLP`: fc2(act(fc1(x))). */
export function clipMlp<T extends tf.Tensor>(x: T, w: ClipMlpWeights, act: HiddenAct): T {
  return tf.tidy(() => linear(activation(linear(x, w.fc1), act), w.fc2))
}

/**
 * transformers' `CLIPEncoderLayer` (pre-norm): h = x + attn(LN1(x)); out = h + MLP(LN2(h)).
 * `attention` replaces the attention step (default {@link clipAttention}).
 */
export function clipEncoderLayer(x: tf.Tensor3D, w: ClipEncoderLayerWeights, opts: ClipEncoderOptions, call: AttentionCall, attention: ClipAttentionFn = clipAttention): LayerResult {
  return tidyRecord((): LayerResult => {
    const a = attention(layerNorm(x, w.layer_norm1, opts.layerNormEps), w.self_attn, call)
    const h = tf.add(x, a.out) as tf.Tensor3D
    const hidden = tf.add(h, clipMlp(layerNorm(h, w.layer_norm2, opts.layerNormEps), w.mlp, opts.hiddenAct)) as tf.Tensor3D
    const out: LayerResult = { hidden }
    if (a.probs) out.probs = a.probs
    return out
  })
}

export interface ClipEncoderRun<W> {
  mask?: tf.Tensor | undefined
  /** Probabilities of the last layer to return (default 'none'). */
  attentionProbs?: AttentionProbs
  /** Replaces the attention step of the default layer. */
  attention?: ClipAttentionFn
  /** Replaces the whole layer (then `attention` is not used unless the layer reads it). */
  layer?: ClipLayerFn<W>
  /** Activation recomputation per layer (training); incompatible with `attentionProbs`. */
  recompute?: boolean
}

export interface ClipEncoderResult {
  lastHiddenState: tf.Tensor3D
  /** The last layer's attention probabilities, when asked for. */
  lastAttention?: tf.Tensor
}

function trainableLeaves(w: unknown): tf.Tensor[] {
  return flattenWeights(w as WeightTree)
    .map(([, t]) => t)
    .filter((t) => t instanceof tf.Variable && t.trainable)
}

/** transformers' `CLIPEncoder`: the layers in order. */
export function clipEncoder<W = ClipEncoderLayerWeights>(x: tf.Tensor3D, layers: readonly W[], opts: ClipEncoderOptions, run: ClipEncoderRun<W> = {}): ClipEncoderResult {
  const want = run.attentionProbs ?? 'none'
  if (run.recompute && want !== 'none') throw new Error('clipEncoder: attention probabilities cannot be returned with recompute (ask for them in an inference pass)')
  const layerFn: ClipLayerFn<W> =
    run.layer ?? ((h, w, o, call) => clipEncoderLayer(h, w as ClipEncoderLayerWeights, o, call, run.attention ?? clipAttention))
  return tidyRecord((): ClipEncoderResult => {
    let h = x
    let lastAttention: tf.Tensor | undefined
    layers.forEach((w, layerIndex) => {
      const call: AttentionCall = { numHeads: opts.numHeads, mask: run.mask, probs: layerIndex === layers.length - 1 ? want : 'none', layerIndex }
      if (run.recompute) {
        const params = trainableLeaves(w)
        // Rebuild the layer's weights from the recomputation's inputs so gradients reach them.
        const tree = w as unknown as WeightTree
        const all = flattenWeights(tree).map(([, t]) => t)
        const fn = (input: tf.Tensor, ps: tf.Tensor[]): tf.Tensor => {
          let j = 0
          const swapped = replaceWeights(tree, all.map((t) => (params.includes(t) ? ps[j++]! : t))) as unknown as W
          return layerFn(input as tf.Tensor3D, swapped, opts, call).hidden
        }
        h = recompute(fn, h, params) as tf.Tensor3D
      } else {
        const r = layerFn(h, w, opts, call)
        h = r.hidden
        if (r.probs) lastAttention = r.probs
      }
    })
    const out: ClipEncoderResult = { lastHiddenState: h }
    if (lastAttention) out.lastAttention = lastAttention
    return out
  })
}
