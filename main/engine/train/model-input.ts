import * as tf from '@tensorflow/tfjs'
import type { StddVideoModel } from '../stdd/model'
import { flattenWeights, type WeightTree } from '../tf/tree'
import type { LoadedClip } from './video-data'

/** Clips `[T, H, W, 3]` (view `view` of each) stacked into the model's `[B, T, 3, H, W]` input. */
export function clipsTensor(clips: readonly LoadedClip[], view = 0): tf.Tensor5D {
  const [, t, h, w] = clips[0]!.shape
  const per = t * h * w * 3
  const data = new Float32Array(per * clips.length)
  clips.forEach((c, i) => data.set(c.data.subarray(view * per, (view + 1) * per), i * per))
  return tf.tidy(() => tf.tensor5d(data, [clips.length, t, h, w, 3]).transpose([0, 1, 4, 2, 3]) as tf.Tensor5D)
}

/** The model's trainable variables with stable names (their paths in the model), in a fixed order. */
export function namedTrainables(model: StddVideoModel): [string, tf.Variable][] {
  const tree = { model: model.weights, projector: model.projector ? { fc1: model.projector.fc1, fc2: model.projector.fc2 } : {} } as unknown as WeightTree
  return flattenWeights(tree).filter((e): e is [string, tf.Variable] => e[1] instanceof tf.Variable && e[1].trainable)
}
