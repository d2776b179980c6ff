import * as tf from '@tensorflow/tfjs'
import type { ClipConfig } from '../clip/configuration_clip'
import type { ClipModelWeights } from '../clip/weights_clip'
import { flattenWeights, replaceWeights, type WeightTree } from '../tf/tree'
import { releasePackedWeights } from '../tf/webgpu/packed_weights'
import type { AdaptationMode, StddConfig } from './config'
import { normalValues, streamSeed, STREAMS } from '../util/random'
import { createProjector } from './distillation'
import type { PromptMlpWeights, StddLayerWeights, StddVideoModel } from './model'

/**
 * Adaptation modes (paper Table 4) and the parameters each trains: the STDD video model's weights
 * as `tf.Variable`s whose `trainable` flag follows the mode, so that the optimizer (and activation
 * recomputation, which differentiates only trainable variables) sees exactly those.
 *
 * - `full`: the whole vision tower, `visual_projection` and `logit_scale` (docs/method.md §2: the text
 *   tower is never run; its features are precomputed).
 * - `frozen`: nothing (Table 4's frozen-CLIP baseline; with STCA on it is STCA applied zero-shot).
 * - `prompt`: the backbone and logit scale are frozen; each STCA block gets a small MLP that turns
 *   the branch's class token ȳ_cls into `promptTokens` tokens prepended to that block's input
 *   (VPT-deep style: they join the block's attention and are dropped after it). fc1 [H, D] with
 *   bias, Kaiming-normal; QuickGELU; fc2 [K·D, H] with bias, zero (prompts start as zero tokens).
 * The distillation projector trains whenever its gradient flows ('flow') and the mode is not frozen.
 */

export interface BuildOptions {
  /** Keep a frozen copy of the initial weights as the distillation teacher (training). Default: distillation ≠ 'off'. */
  teacher?: boolean
  /** Seeds the prompt MLPs and the projector. */
  seed?: number
}

const asVariables = <T>(tree: T, trainable: boolean): T => {
  const leaves = flattenWeights(tree as unknown as WeightTree).map(([, t]) => tf.variable(t, trainable))
  return replaceWeights(tree as unknown as WeightTree, leaves) as unknown as T
}

/** The prompt MLP of encoder layer `layer`: fc1 ~ N(0, 2/width) drawn from (seed, layer), fc2 = 0. */
function promptMlp(width: number, hidden: number, tokens: number, seed: number, layer: number, trainable: boolean): PromptMlpWeights {
  const fc1 = normalValues(hidden * width, Math.sqrt(2 / width), streamSeed(STREAMS.promptInit, seed, layer))
  return tf.tidy(() => ({
    fc1: { weight: tf.variable(tf.tensor2d(fc1, [hidden, width]), trainable), bias: tf.variable(tf.zeros([hidden]), trainable) },
    fc2: { weight: tf.variable(tf.zeros([tokens * width, hidden]), trainable), bias: tf.variable(tf.zeros([tokens * width]), trainable) },
  }))
}

/** Whether `mode` trains the backbone. */
const backboneTrains = (mode: AdaptationMode): boolean => mode === 'full'

/**
 * The STDD video model from a CLIP model's vision weights (copied into variables; the CLIP tensors
 * stay the caller's). The teacher is a separate frozen copy, so training never moves it.
 */
export function buildStddModel(clip: ClipModelWeights, clipConfig: ClipConfig, config: StddConfig, options: BuildOptions = {}): StddVideoModel {
  if (!clip.vision_model || !clip.visual_projection) throw new Error('buildStddModel: the CLIP model has no vision tower (load it with towers including "vision")')
  const mode = config.adaptation.mode
  const vision = clipConfig.vision
  const seed = options.seed ?? 0
  const layersWithPrompts = config.stca.layers === 'all' ? null : new Set(config.stca.layers)
  for (const i of layersWithPrompts ?? []) {
    if (i >= vision.numHiddenLayers) throw new Error(`stca.layers: layer ${i} does not exist (the tower has ${vision.numHiddenLayers} layers, 0..${vision.numHiddenLayers - 1})`)
  }
  if (mode === 'prompt' && !config.stca.enabled) throw new Error('adaptation.mode "prompt" needs stca.enabled: the prompts are made from the STCA branch')
  const backbone = asVariables({ vision_model: clip.vision_model, visual_projection: clip.visual_projection }, backboneTrains(mode))
  const layers: StddLayerWeights[] = backbone.vision_model.encoder.layers.map((l, i) => {
    if (mode !== 'prompt' || (layersWithPrompts && !layersWithPrompts.has(i))) return l
    const hidden = config.adaptation.promptHidden ?? vision.hiddenSize
    return { ...l, prompt_mlp: promptMlp(vision.hiddenSize, hidden, config.adaptation.promptTokens, seed, i, true) }
  })
  const wantTeacher = (options.teacher ?? true) && config.distillation.gradient !== 'off'
  const teacher = wantTeacher
    ? { vision_model: cloneTree(clip.vision_model), visual_projection: cloneTree(clip.visual_projection) }
    : null
  const projector = config.distillation.gradient === 'off' ? null : createProjector(clipConfig.projectionDim, config.distillation.alpha, seed)
  if (projector) {
    const trains = config.distillation.gradient === 'flow' && mode !== 'frozen'
    if (!trains) {
      projector.fc1.trainable = false
      projector.fc2.trainable = false
    }
  }
  return {
    vision,
    config,
    weights: {
      vision_model: { ...backbone.vision_model, encoder: { layers } },
      visual_projection: backbone.visual_projection,
      logit_scale: tf.variable(clip.logit_scale, backboneTrains(mode)),
    },
    teacher,
    projector,
  }
}

function cloneTree<T>(tree: T): T {
  const leaves = flattenWeights(tree as unknown as WeightTree).map(([, t]) => tf.clone(t))
  return replaceWeights(tree as unknown as WeightTree, leaves) as unknown as T
}

/** Every variable of the model (backbone, prompts, projector), trainable or not. */
export function modelVariables(model: StddVideoModel): tf.Variable[] {
  const tree = { w: model.weights, p: model.projector ? { fc1: model.projector.fc1, fc2: model.projector.fc2 } : {} } as unknown as WeightTree
  return flattenWeights(tree)
    .map(([, t]) => t)
    .filter((t): t is tf.Variable => t instanceof tf.Variable)
}

/** The variables the optimizer updates under the model's adaptation mode. */
export function trainableVariables(model: StddVideoModel): tf.Variable[] {
  return modelVariables(model).filter((v) => v.trainable)
}

export function disposeStddModel(model: StddVideoModel): void {
  releasePackedWeights(modelVariables(model))
  tf.dispose(modelVariables(model))
  if (model.teacher) tf.dispose(flattenWeights(model.teacher as unknown as WeightTree).map(([, t]) => t))
}
