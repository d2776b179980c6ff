import * as tf from '@tensorflow/tfjs'
import { readImageFile } from '../io/image'
import { loadImageProcessorConfig, preprocessImage } from './image_processing_clip'
import { ClipModel } from './modeling_clip_model'
import { ClipTokenizer } from './tokenization_clip'
import { tidyRecord } from '../tf/tidy'

/**
 * Everything needed to run a Hugging Face CLIP folder on texts and images: the model, its tokenizer
 * and its image processor, and a one-call encode used by `stdd clip encode`.
 */

export interface ClipEncodeInput {
  texts?: string[]
  /** Image files (PNG; other formats through ffmpeg). */
  imagePaths?: string[]
  /** Already normalised pixels [N, C, H, W]. */
  pixels?: number[][][][]
}

export interface ClipEncodeResult {
  texts: string[]
  images: string[]
  /** Projected, not normalised: [texts, projection_dim]. */
  textEmbeds: number[][]
  /** Projected, not normalised: [images, projection_dim]. */
  imageEmbeds: number[][]
  /** exp(logit_scale) · cosine, [images, texts] (empty without both). */
  logitsPerImage: number[][]
  /** Cosine similarities, [images, texts]. */
  cosine: number[][]
  logitScale: number
  inputIds: number[][]
  /** Real tokens per text (start and end included). */
  tokenCounts: number[]
}

export class ClipPipeline {
  private constructor(
    readonly dir: string,
    readonly model: ClipModel,
    readonly tokenizer: ClipTokenizer,
  ) {}

  static load(dir: string): ClipPipeline {
    const model = ClipModel.fromPretrained(dir)
    try {
      return new ClipPipeline(dir, model, ClipTokenizer.fromFolder(dir, model.config.text.maxPositionEmbeddings))
    } catch (err) {
      model.dispose()
      throw err
    }
  }

  /** Reads and preprocesses image files to [N, C, H, W]. */
  pixelsFromFiles(paths: string[]): tf.Tensor4D {
    const config = loadImageProcessorConfig(this.dir, this.model.config.vision.imageSize)
    const arrays = paths.map((p) => preprocessImage(readImageFile(p), config))
    const { height, width } = arrays[0]!
    const all = new Float32Array(arrays.length * 3 * height * width)
    arrays.forEach((a, i) => all.set(a.pixels, i * a.pixels.length))
    return tf.tensor4d(all, [arrays.length, 3, height, width])
  }

  async encode(input: ClipEncodeInput): Promise<ClipEncodeResult> {
    const texts = input.texts ?? []
    const images = [...(input.imagePaths ?? [])]
    const batch = texts.length ? this.tokenizer.call(texts) : { inputIds: [], attentionMask: [] }
    const pixelParts: tf.Tensor4D[] = []
    let out: { text: tf.Tensor | null; image: tf.Tensor | null; logits: tf.Tensor | null } = { text: null, image: null, logits: null }
    try {
      if (input.imagePaths?.length) pixelParts.push(this.pixelsFromFiles(input.imagePaths))
      if (input.pixels?.length) {
        pixelParts.push(tf.tensor4d(input.pixels))
        images.push(...input.pixels.map((_, i) => `pixels[${i}]`))
      }
      out = tidyRecord((): typeof out => {
        const text = texts.length ? this.model.encodeTexts(batch.inputIds, batch.attentionMask).textEmbeds : null
        const image = pixelParts.length ? this.model.encodeImages(pixelParts.length === 1 ? pixelParts[0]! : tf.concat(pixelParts, 0)).imageEmbeds : null
        return { text, image, logits: text && image ? this.model.logitsPerImage(image, text) : null }
      })
      // read asynchronously: GPU backends have no synchronous read in Node
      const rows = async (t: tf.Tensor | null): Promise<number[][]> => (t ? ((await t.array()) as number[][]) : [])
      const [logitScale, textEmbeds, imageEmbeds, logitsPerImage] = await Promise.all([this.model.weights.logit_scale.data().then((d) => d[0]!), rows(out.text), rows(out.image), rows(out.logits)])
      const scale = Math.exp(logitScale)
      return {
        texts,
        images,
        textEmbeds,
        imageEmbeds,
        logitsPerImage,
        cosine: logitsPerImage.map((row) => row.map((v) => v / scale)),
        logitScale,
        inputIds: batch.inputIds,
        tokenCounts: batch.attentionMask.map((m) => m.reduce((a, b) => a + b, 0)),
      }
    } finally {
      tf.dispose([...pixelParts, ...[out.text, out.image, out.logits].filter((t): t is tf.Tensor => t !== null)])
    }
  }

  dispose(): void {
    this.model.dispose()
  }
}
