import * as tf from '@tensorflow/tfjs'
import type { ClipConfig } from '../clip/configuration_clip'
import type { ClipModelWeights } from '../clip/weights_clip'
import type { AdamW } from '../optim/adamw'
import { linear } from '../tf/linear'
import { batchedAttention } from './batched_attention'
import { clipContrastiveLoss, MAX_LOGIT_SCALE } from './contrastive'
import { clipTextTransformerTrain } from './text_train'
import { clipVisionPooledFromPatches } from './vision_train'

/** One contrastive step's inputs: normalised frames cut into patches, and their captions' token ids (padding trimmed). */
export interface PairBatch {
  /** Patch rows of the frames (`cutPatches` in vision_train.ts). */
  patches: Float32Array
  inputIds: number[][]
  attentionMask: number[][]
}

/** Unnormalised image and text embeddings of a batch, differentiable in every weight. */
export function trainEmbeddings(weights: ClipModelWeights, config: ClipConfig, batch: PairBatch): { image: tf.Tensor2D; text: tf.Tensor2D } {
  const { vision_model: vision, visual_projection: vProj, text_model: text, text_projection: tProj } = weights
  if (!vision || !vProj || !text || !tProj) throw new Error('SynthCLIP training needs both towers and both projections')
  return tf.tidy(() => {
    const image = linear(clipVisionPooledFromPatches(batch.patches, batch.inputIds.length, vision, config.vision, batchedAttention), vProj)
    const txt = linear(clipTextTransformerTrain(batch.inputIds, batch.attentionMask, text, config.text, batchedAttention).pooled, tProj)
    return { image, text: txt }
  })
}

/**
 * One optimisation step of the symmetric InfoNCE loss over all variables, then CLIP's clamp of the
 * logit scale to ln 100. Returns the loss and the gradient norm (before clipping).
 */
export async function contrastiveStep(weights: ClipModelWeights, config: ClipConfig, vars: tf.Variable[], optimizer: AdamW, batch: PairBatch): Promise<{ loss: number; gradNorm: number }> {
  const { value, grads } = tf.variableGrads(() => {
    const e = trainEmbeddings(weights, config, batch)
    return clipContrastiveLoss(e.image, e.text, weights.logit_scale)
  }, vars)
  try {
    const loss = (await value.data())[0]!
    if (!Number.isFinite(loss)) throw new Error(`SynthCLIP training: the loss became ${loss}; lower the learning rate`)
    const norm = optimizer.step(
      vars,
      vars.map((v) => grads[v.name] ?? null),
    )
    const scale = weights.logit_scale as tf.Variable
    tf.tidy(() => scale.assign(tf.minimum(scale, MAX_LOGIT_SCALE)))
    const gradNorm = (await norm.data())[0]!
    norm.dispose()
    return { loss, gradNorm }
  } finally {
    tf.dispose([value, ...Object.values(grads)])
  }
}
