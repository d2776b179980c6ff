/**
 * The data layer: files on disk → labelled video lists → decoded, sampled, normalised frames.
 *
 * - adapters/   the official layouts of UCF101, HMDB51, Kinetics-400/600 and the K600 zero-shot splits,
 *                and the authors' zs_label_db/ split folders
 * - protocols/  EP1 (CPython-exact half-class subsets), EP2, EP3, K600
 * - video/      ffprobe/ffmpeg decoding (spawn, argv, timeout, stderr in errors), frame folders
 * - sampling/   frame indices, resize/crop plans, flip, CLIP normalisation, clip loaders
 * - prefetch    background loading that skips and counts broken videos
 * - clip-workers/ clips made in worker threads, off the thread that runs the model
 * - synth/      the SynthMotion world (in-memory batches, captions, UCF101-layout writer)
 *
 * Frames leave as plain typed arrays with explicit shapes; the model code makes tensors of them.
 */
export * from './types'
export { ClipWorkerCrashError, DataError, FfmpegNotFoundError, VideoDecodeError } from './errors'
export * from './adapters'
export * from './protocols'
export * from './video'
export { loadEvalClip, loadTrainClip, stackClips, REFERENCE_CLIP, type Clip, type ClipOptions } from './sampling/clip'
export { evalIndices, trainIndices, segmentIndices, linspaceIndices, windowLength, REFERENCE_TEMPORAL, type TemporalOptions } from './sampling/temporal'
export { evalPlan, trainPlan, shortSideScale, REFERENCE_SPATIAL, type SpatialOptions } from './sampling/spatial'
export { CLIP_MEAN, CLIP_STD, flipHorizontal, normalize } from './sampling/transforms'
export { seededRng, rngFromState, isPortableRng, randomInt, type Rng, type PortableRng, type RngState } from '../util/random'
export { prefetch, batched, newPrefetchStats, type Loaded, type PrefetchOptions, type PrefetchStats } from './prefetch'
export * from './clip-workers'
export * as synth from './synth'
