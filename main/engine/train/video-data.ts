import { inThreadLoader, loadHmdb51, loadKineticsRoot, loadUcf101, normalize, protocolSets, restrictClasses, synth, trainIndices, evalIndices, type ClipLoader, type ClipOptions, type DatasetName, type Rng, type VideoItem, type VideoList } from '../data'
import type { ExperimentConfig } from '../experiments/schema'

/**
 * Where the trainer and the evaluator get their clips: SynthMotion rendered in memory, or a data
 * set in its official layout decoded by ffmpeg. Clips leave as channel-last float32
 * `[T, H, W, 3]` (training) or `[V, T, H, W, 3]` (evaluation views), normalised with CLIP mean/std.
 * Data sets on disk are decoded by a ClipLoader: clip worker threads, or this thread (`inThreadLoader`).
 */

type DataRef = ExperimentConfig['train']['data']
type EvalTarget = ExperimentConfig['eval'][number]

export interface ModelGeometry {
  /** The model's input side in pixels. */
  imageSize: number
  mean: readonly number[]
  std: readonly number[]
}

export interface LoadedClip {
  label: number
  /** `[V, T, H, W, 3]`. */
  data: Float32Array
  shape: [number, number, number, number, 3]
}

export interface ClipSource {
  /** Display names; label i is `classes[i]`. */
  classes: string[]
  /** SynthMotion: the label of each class's order-only partner (its videos played backwards), −1 if absent. */
  partners?: number[]
  /** One entry per video: what `load` takes. */
  size: number
  describe(index: number): string
  load(index: number, rng: Rng | null): Promise<LoadedClip>
}

export interface EvalSet extends ClipSource {
  /** "unseen classes", "subset 3", "split 2"… */
  name: string
  /** Listed videos missing on disk, as `path (where listed)`: counted apart from the broken ones. */
  missing: string[]
  /** What the data adapter decided (which list it read, a fallback and why), logged before the set is evaluated. */
  notes: string[]
}

/** A listed video for messages: its path and where it was listed. */
function describeItem(item: VideoItem): string {
  return `${item.path} (${item.source})`
}

function listEvalSet(list: VideoList, name: string, options: ClipOptions, loader: ClipLoader): EvalSet {
  return { ...listSource(list, options, loader), name, missing: list.missing.map(describeItem), notes: list.notes ?? [] }
}

function synthWorld(config: ExperimentConfig): ReturnType<typeof synth.buildSynthWorld> {
  return synth.buildSynthWorld({ seed: config.synthmotion.worldSeed, looks: config.synthmotion.looks, unseenGroups: config.synthmotion.unseenGroups })
}

function partnerLabels(world: ReturnType<typeof synth.buildSynthWorld>, classIndices: readonly number[]): number[] {
  return classIndices.map((k) => classIndices.indexOf(world.classes[k]!.reverseIndex))
}

function synthClassIndices(world: ReturnType<typeof synth.buildSynthWorld>, which: 'seen' | 'unseen' | 'all'): number[] {
  return which === 'seen' ? world.seen : which === 'unseen' ? world.unseen : world.classes.map((c) => c.index)
}

/** SynthMotion in memory: video v of class k is deterministic; training draws the frame window. */
function synthSource(config: ExperimentConfig, ref: DataRef, role: 'train' | 'eval', views: number, geometry: ModelGeometry, firstVideo: number): ClipSource {
  const frames = config.train.frames
  const world = synthWorld(config)
  const classIndices = synthClassIndices(world, ref.synth.classes ?? (role === 'train' ? 'seen' : 'unseen'))
  const items = synth.synthItems(classIndices, ref.synth.videosPerClass, firstVideo)
  const temporal = synth.synthTemporal(ref.synth.videoFrames, 30, frames)
  return {
    classes: classIndices.map((k) => world.classes[k]!.name),
    partners: partnerLabels(world, classIndices),
    size: items.length,
    describe: (i) => `${world.classes[items[i]!.classIndex]!.folder} video ${items[i]!.videoIndex}`,
    async load(i, rng) {
      const item = items[i]!
      const video = synth.generateSynthVideo(world, item.classIndex, item.videoIndex, { frames: ref.synth.videoFrames, size: geometry.imageSize })
      const s = geometry.imageSize
      const frameBytes = s * s * 3
      // No flips: mirroring turns "sliding left" into "sliding right".
      const picks = rng ? [trainIndices(ref.synth.videoFrames, 30, temporal, rng)] : Array.from({ length: views }, (_, v) => evalIndices(ref.synth.videoFrames, 30, temporal, v, views))
      const raw = new Uint8Array(picks.length * frames * frameBytes)
      picks.flat().forEach((f, j) => raw.set(video.data.subarray(f * frameBytes, (f + 1) * frameBytes), j * frameBytes))
      return { label: classIndices.indexOf(item.classIndex), data: normalize(raw, geometry.mean, geometry.std), shape: [picks.length, frames, s, s, 3] }
    },
  }
}

function clipOptions(config: ExperimentConfig, ref: DataRef, geometry: ModelGeometry, views: number): ClipOptions {
  const { frames, stride, sampling } = config.train
  const synthetic = ref.dataset === 'synthmotion'
  return {
    // SynthMotion videos are short (16 frames at 30 fps): sample across the whole video.
    temporal: synthetic ? synth.synthTemporal(ref.synth.videoFrames, 30, frames) : { numFrames: frames, mode: sampling === 'window' ? 'window' : 'segments', samplingRate: stride, targetFps: 30 },
    // …and never mirror them: a flip turns "sliding left" into "sliding right".
    spatial: { size: geometry.imageSize, jitter: [geometry.imageSize, Math.round((geometry.imageSize * 256) / 224)], flip: !synthetic },
    views,
    mean: geometry.mean,
    std: geometry.std,
  }
}

function listSource(list: VideoList, options: ClipOptions, loader: ClipLoader): ClipSource {
  return {
    classes: list.classes,
    size: list.items.length,
    describe: (i) => describeItem(list.items[i]!),
    async load(i, rng) {
      const item: VideoItem = list.items[i]!
      const clip = rng ? await loader.trainClip(item, rng, options) : await loader.evalClip(item, options)
      return { label: item.label, data: clip.data, shape: clip.shape }
    },
  }
}

function needRoot(ref: { dataset: string; root?: string | undefined }, where: string): string {
  if (!ref.root) throw new Error(`${where}: data set "${ref.dataset}" needs "root:", the folder of its official layout`)
  return ref.root
}

/** A SynthMotion data set written to disk (`stdd synth make`), read by the UCF101 adapter, restricted to the seen or unseen classes. */
function synthOnDisk(config: ExperimentConfig, ref: DataRef, root: string, role: 'train' | 'eval'): VideoList {
  const world = synthWorld(config)
  const which = ref.synth.classes ?? (role === 'train' ? 'seen' : 'unseen')
  const list = loadUcf101(root, { split: ref.split as 1 | 2 | 3, list: role === 'train' ? 'train' : 'test' })
  return restrictClasses(list, synthClassIndices(world, which), `SynthMotion ${which} classes, ${role === 'train' ? 'train' : 'test'} list ${ref.split}`)
}

/** The training videos of `train.data`; `loader` decodes those on disk. */
export function trainSource(config: ExperimentConfig, geometry: ModelGeometry, loader: ClipLoader = inThreadLoader): ClipSource {
  const ref = config.train.data
  if (ref.dataset === 'synthmotion' && !ref.root) return synthSource(config, ref, 'train', 1, geometry, 0)
  const root = needRoot(ref, 'train.data')
  const list =
    ref.dataset === 'synthmotion'
      ? synthOnDisk(config, ref, root, 'train')
      : ref.dataset === 'ucf101'
      ? loadUcf101(root, { split: ref.split as 1 | 2 | 3, list: 'train' })
      : ref.dataset === 'hmdb51'
        ? loadHmdb51(root, { split: ref.split as 1 | 2 | 3, tags: [1] })
        : loadKineticsRoot(root, 'train', ref.dataset)
  return listSource(list, clipOptions(config, ref, geometry, 1), loader)
}

/** The evaluation sets of one target: a protocol's subsets or splits, or SynthMotion's unseen classes; `loader` decodes videos on disk. */
export function evalSets(config: ExperimentConfig, target: EvalTarget, geometry: ModelGeometry, loader: ClipLoader = inThreadLoader): EvalSet[] {
  if (target.dataset === 'synthmotion' && !target.root) {
    // Videos 1000+ never appear in training (which uses 0 … videosPerClass − 1).
    const source = synthSource(config, target, 'eval', target.views, geometry, 1000)
    return [{ ...source, name: `${target.synth.classes ?? 'unseen'} classes`, missing: [], notes: [] }]
  }
  const root = needRoot(target, `eval (${target.dataset})`)
  const options = clipOptions(config, target, geometry, target.views)
  if (target.dataset === 'synthmotion') {
    const list = synthOnDisk(config, target, root, 'eval')
    const world = synthWorld(config)
    const indices = list.classes.map((name) => world.classes.find((c) => c.name === name)!.index)
    return [{ ...listEvalSet(list, list.description, options, loader), partners: partnerLabels(world, indices) }]
  }
  // `full` is every class at once: EP2's full label set on UCF101/HMDB51, the closed-set validation set on Kinetics.
  return protocolSets(target.protocol, target.dataset as DatasetName, root).map((set) => listEvalSet(set.list, set.name, options, loader))
}

