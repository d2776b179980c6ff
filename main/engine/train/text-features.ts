import { existsSync, mkdirSync, renameSync, statSync } from 'node:fs'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import type { ClipModel } from '../clip/modeling_clip_model'
import type { ClipTokenizer } from '../clip/tokenization_clip'
import { SafetensorsFile } from '../io/safetensors'
import { writeSafetensors } from '../io/safetensors_write'
import type { ExperimentConfig } from '../experiments/schema'
import type { RunOutput } from '../runs/run-output'
import type { GraphClass } from '../text/askg/types'
import { buildPromptSet, type PromptSet } from '../text/prompts/build'
import { sha256Hex } from '../text/prompts/hash'
import { graphClassesOf } from '../text/graphs/eval-classes'
import type { GraphSnapshot } from '../worker/run-spec'

/**
 * The prompt embeddings of a class list: the prompt set is built from the configured knowledge-graph
 * version (resolved at launch), recorded (content-addressed), encoded once by the frozen text tower, and cached on disk by
 * (model, prompt set) — the text tower never runs again for the same pair (docs/method.md §3.4).
 */

const ENCODE_BATCH = 64

export interface PromptFeatures {
  /** [K, M, E] text embeddings (projected, not normalised), class k's prompts in row k. */
  features: tf.Tensor3D
  promptSet: PromptSet
  cached: boolean
}

const normalise = (name: string): string => name.toLowerCase().replace(/[\s_-]+/g, ' ').trim()

/** The graph classes for `classes` (in that order, index = label), from the configured graph version. */
function graphClassesFor(graph: GraphSnapshot | null, graphRef: string, kind: ExperimentConfig['text']['promptSet'], classes: readonly string[]): { graphId: number | null; classes: GraphClass[] } {
  if (kind === 'c') {
    const createdAt = new Date(0).toISOString()
    const empty = { oo: [], ao: [], aa: [] }
    return {
      graphId: null,
      classes: classes.map((name, index) => ({
        index,
        name,
        key: normalise(name),
        graph: { label: name, objects: [], subActions: [], objectRelations: [], actionObjectRelations: [], actionRelations: [], clauses: empty },
        provenance: { source: 'built-in', createdAt },
      })),
    }
  }
  if (!graph) throw new Error(`text.graph "${graphRef}": the run was launched without its graph version; launch it again`)
  return graphClassesOf(graphRef, graph, graph.aliases, classes)
}

/** A key that changes whenever the model's weights file does. */
export function checkpointKey(modelDir: string): string {
  const files = ['model.safetensors', 'model.safetensors.index.json'].map((f) => join(modelDir, f)).filter(existsSync)
  return sha256Hex(JSON.stringify(files.map((f) => [f, statSync(f).size, statSync(f).mtimeMs])))
}

export interface PromptFeatureRequest {
  /** The graph version `text.graph` resolved to at launch (null for prompt set "c"). */
  graph: GraphSnapshot | null
  out: RunOutput
  cacheDir: string
  clip: ClipModel
  tokenizer: ClipTokenizer
  modelKey: string
  text: ExperimentConfig['text']
  /** Whose templates (`dataset` style). */
  dataset: string
  classes: readonly string[]
}

export async function promptFeatures(r: PromptFeatureRequest): Promise<PromptFeatures> {
  const { graphId, classes } = graphClassesFor(r.graph, r.text.graph, r.text.promptSet, r.classes)
  const set = buildPromptSet(classes, { kind: r.text.promptSet, style: r.text.templates, dataset: r.dataset, pad: r.text.padCyclic })
  const counts = new Set(set.classes.map((c) => c.prompts.length))
  if (counts.size !== 1) throw new Error(`prompt set ${set.hash.slice(0, 12)}: classes have different prompt counts (${[...counts].join(', ')}); frame-to-prompt alignment needs text.padCyclic: true`)
  r.out.promptSet(graphId, set)
  const k = set.classes.length
  const m = set.classes[0]!.prompts.length
  mkdirSync(r.cacheDir, { recursive: true })
  const file = join(r.cacheDir, `${sha256Hex(r.modelKey + set.hash).slice(0, 32)}.safetensors`)
  if (existsSync(file)) {
    const f = SafetensorsFile.open(file)
    try {
      const info = f.info('features')
      if (info.shape.join() === `${k},${m},${info.shape[2]}`) return { features: tf.tensor3d(f.readFloat32('features'), info.shape as [number, number, number]), promptSet: set, cached: true }
    } finally {
      f.close()
    }
  }
  const prompts = set.classes.flatMap((c) => c.prompts)
  const chunks: tf.Tensor2D[] = []
  for (let i = 0; i < prompts.length; i += ENCODE_BATCH) {
    const batch = r.tokenizer.call(prompts.slice(i, i + ENCODE_BATCH))
    const out = r.clip.encodeTexts(batch.inputIds, batch.attentionMask)
    out.pooled.dispose()
    chunks.push(out.textEmbeds)
  }
  const features = tf.tidy(() => tf.concat(chunks).reshape([k, m, -1]) as tf.Tensor3D)
  tf.dispose(chunks)
  const tmp = `${file}.tmp`
  writeSafetensors(tmp, [{ name: 'features', shape: features.shape, data: (await features.data()) as Float32Array }], { format: 'pt', prompt_set: set.hash })
  renameSync(tmp, file)
  return { features, promptSet: set, cached: false }
}
