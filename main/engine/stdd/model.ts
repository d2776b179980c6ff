import type * as tf from '@tensorflow/tfjs'
import type { ClipVisionConfig } from '../clip/configuration_clip'
import type { ClipEncoderLayerWeights } from '../clip/modeling_clip'
import type { ClipVisionWeights } from '../clip/weights_clip'
import type { LinearWeights } from '../tf/linear'
import type { StddConfig } from './config'
import type { Projector } from './distillation'

/**
 * The STDD video model as data: the CLIP vision tower's weights (with a prompt MLP per block in
 * `prompt` mode), the teacher and projector of the distillation term. adaptation.ts builds it and
 * decides what trains; video_model.ts runs its forward pass.
 */

export interface PromptMlpWeights {
  fc1: LinearWeights
  fc2: LinearWeights
}

/** A CLIP encoder layer's weights, plus the prompt MLP in `prompt` mode. */
export interface StddLayerWeights extends ClipEncoderLayerWeights {
  prompt_mlp?: PromptMlpWeights
}

export interface StddVisionWeights extends Omit<ClipVisionWeights, 'encoder'> {
  encoder: { layers: StddLayerWeights[] }
}

/** The frozen plain CLIP that the distillation term compares against. */
export interface TeacherWeights {
  vision_model: ClipVisionWeights
  visual_projection: LinearWeights
}

export interface StddVideoModel {
  vision: ClipVisionConfig
  config: StddConfig
  weights: { vision_model: StddVisionWeights; visual_projection: LinearWeights; logit_scale: tf.Variable }
  /** Present when distillation is on and a teacher was asked for. */
  teacher: TeacherWeights | null
  projector: Projector | null
}
