import type { ClipConfig } from '../clip/configuration_clip'
import type { PretrainResult } from './pretrain'
import { qualityLines, type QualityReport } from './quality'

/** The model card written next to the weights: how the model was made and how good it measured. */

export interface ReadmeInput {
  config: ClipConfig
  recipe: PretrainResult['recipe']
  steps: number
  trainSeconds: number
  finalLoss: number
  parameters: number
  weightBytes: number
  backend: string
  quality: QualityReport
  command: string
}

export function synthClipReadme(r: ReadmeInput): string {
  const v = r.config.vision
  const t = r.config.text
  return `# SynthCLIP — the built-in tiny CLIP of SynthMotion

A CLIP (transformers' \`CLIPModel\` layout) pretrained by STDD Explorer's own code on single SynthMotion
frames with static captions ("a small red square at the left on grass") and, like CLIP's photos of actions,
late frames of a motion captioned with its name ("a red square sliding right on grass": the square at the
right). So it knows appearance, position and what the motion words point to, but no motion: no single
image shows one, like CLIP. The experiment files use it as \`builtin:synth-clip\`.

Re-create it (deterministic for a seed on the same backend):

    ${r.command}

## Model

- vision: ${v.imageSize}×${v.imageSize} px, ${v.patchSize}-px patches (${(v.imageSize / v.patchSize) ** 2} + 1 tokens), width ${v.hiddenSize}, ${v.numHiddenLayers} layers, ${v.numAttentionHeads} heads, ${v.hiddenAct}
- text: byte-level BPE over the SynthMotion captions and prompts (${t.vocabSize} tokens, every caption/prompt word one token), width ${t.hiddenSize}, ${t.numHiddenLayers} layers, ${t.numAttentionHeads} heads, ${t.maxPositionEmbeddings} positions
- shared embedding: ${r.config.projectionDim}-d; ${r.parameters.toLocaleString('en-US')} parameters; \`model.safetensors\` ${(r.weightBytes / 1024).toFixed(0)} KiB (float32)

## Pretraining

- data: (frame, caption) pairs drawn on the fly: ${r.recipe.compositions === 'grid' ? 'every object × colour × scene × motion composition (216; the 24 classes are among them)' : "the 24 SynthMotion classes' compositions"}, a random video variation and one of its 16 frames; captions name object, colour, size, visibility, position and scene, except keyframes (${Math.round(100 * r.recipe.keyframes)} % of frames and of hard-negative groups: one of the last 30 % of the frames) captioned with the motion as a class names it; hard negatives differ in one word (object, position, or a motion and its twin); captions distinct within a batch
- loss: CLIP's symmetric InfoNCE with a learnable logit scale (clamped at ln 100); both towers trained from scratch (transformers' initialisation)
- ${r.steps} steps × batch ${r.recipe.batchSize}, AdamW (lr ${r.recipe.lr}, ${r.recipe.warmupSteps} warm-up steps then cosine, weight decay ${r.recipe.weightDecay} on matrices only, gradient clipping 1.0), seed ${r.recipe.seed}
- ${r.backend}: ${(r.trainSeconds / 60).toFixed(1)} min; final batch loss ${r.finalLoss.toFixed(3)}

## Measured quality

Held-out frames (a seed stream pretraining never draws from); each attribute probe ranks the frame's
caption against the same caption with that attribute changed. Clips: 8 evenly spaced frames of
held-out SynthMotion videos, embeddings averaged, classes as the mean of the 8 SynthMotion template
prompts; "order pairs" asks for the clip's class against its reverse (same frames backwards).

${qualityLines(r.quality)
  .map((l) => `- ${l}`)
  .join('\n')}

As docs/architecture.md (SynthMotion) expects of a frame-level CLIP: the static part of unseen classes is well above chance, and
the two classes of an order-only pair are at chance.
`
}
