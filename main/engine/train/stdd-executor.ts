import { join } from 'node:path'
import { loadImageProcessorConfig } from '../clip/image_processing_clip'
import { ClipModel } from '../clip/modeling_clip_model'
import { ClipTokenizer } from '../clip/tokenization_clip'
import { createClipLoader } from '../data'
import { evaluate } from '../eval/evaluator'
import { loadSourceWeights } from '../eval/source-checkpoint'
import type { RunContext, RunExecutor } from '../runs/executor'
import { buildStddModel, disposeStddModel } from '../stdd/adaptation'
import { resolveStddConfig } from '../stdd/config'
import { resolveCheckpoint } from '../synthclip/checkpoints'
import { namedTrainables } from './model-input'
import { checkpointKey, promptFeatures } from './text-features'
import { train } from './trainer'
import { trainSource, type ModelGeometry } from './video-data'

export interface StddExecutorDeps {
  whenBackendReady(): Promise<void>
}

/**
 * Executes a run: loads the CLIP checkpoint, builds the STDD video model for the run's config,
 * trains it on the training classes (unless the adaptation mode trains nothing or `train.epochs` is 0),
 * then evaluates it zero-shot on every evaluation target.
 */
export function createStddExecutor(deps: StddExecutorDeps): RunExecutor {
  return {
    async execute(ctx: RunContext) {
      await deps.whenBackendReady()
      const { config } = ctx
      // Clip worker threads (started on first use) decode the videos on disk while the model runs here.
      const loader = createClipLoader()
      ctx.log(loader.workers ? `videos on disk are decoded by ${loader.workers} clip worker thread(s)` : 'videos on disk are decoded on the engine thread (STDD_DATA_WORKERS=0)')
      const dir = resolveCheckpoint(config.model.checkpoint)
      const clip = ClipModel.fromPretrained(dir)
      const tokenizer = ClipTokenizer.fromFolder(dir, clip.config.text.maxPositionEmbeddings)
      const processor = loadImageProcessorConfig(dir, clip.config.vision.imageSize)
      const geometry: ModelGeometry = { imageSize: clip.config.vision.imageSize, mean: processor.imageMean, std: processor.imageStd }
      const { checkpoint: _checkpoint, ...stdd } = config.model
      const stddConfig = resolveStddConfig(stdd)
      const willTrain = config.train.epochs > 0 && stddConfig.adaptation.mode !== 'frozen'
      const model = buildStddModel(clip.weights, clip.config, stddConfig, { seed: config.seed, teacher: willTrain })
      const prompts = (classes: readonly string[], dataset: string) =>
        promptFeatures({ graph: ctx.graph, out: ctx.out, cacheDir: join(ctx.dataDir, 'cache', 'text-features'), clip, tokenizer, modelKey: checkpointKey(dir), text: config.text, dataset, classes })
      ctx.log(`model ${config.model.checkpoint} (${dir}): ${clip.config.vision.numHiddenLayers} vision layers, ${clip.config.vision.imageSize} px; STCA ${stddConfig.stca.enabled ? 'on' : 'off'}; adaptation ${stddConfig.adaptation.mode}`)
      try {
        const evaluatesSource = loadSourceWeights(ctx, namedTrainables(model))
        if (evaluatesSource) ctx.log(evaluatesSource)
        let step = 0
        if (willTrain && namedTrainables(model).length > 0) {
          const source = trainSource(config, geometry, loader)
          const text = await prompts(source.classes, config.train.data.dataset)
          try {
            step = await train({ ctx, model, source, prompts: text.features })
          } finally {
            text.features.dispose()
          }
        }
        await evaluate({ ctx, model, geometry, prompts, step, loader })
      } finally {
        await loader.close()
        disposeStddModel(model)
        clip.dispose()
      }
    },
  }
}
