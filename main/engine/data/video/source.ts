import { statSync } from 'node:fs'
import { VideoDecodeError } from '../errors'
import { decodeFileFrames } from './decode-file'
import { decodeFolderFrames, probeFrameFolder } from './frame-folder'
import { probeVideoFile } from './probe'
import type { DecodedFrames, DecodeOptions, SpatialPlan, VideoInfo } from './types'

/** A probed video (file or frame folder) that can decode any of its frames. */
export interface VideoSource {
  path: string
  info: VideoInfo
  decode(indices: readonly number[], plan: SpatialPlan, options?: DecodeOptions): Promise<DecodedFrames>
}

export interface OpenOptions {
  /** Frame rate of frame-folder data sets (they carry none). Default 30. */
  frameFolderFps?: number
  probeTimeoutMs?: number
}

/** Probes `path`: a directory is a frame folder (`img_00001.jpg` …), anything else a video file. */
export async function openVideo(path: string, options: OpenOptions = {}): Promise<VideoSource> {
  const stat = statSync(path, { throwIfNoEntry: false })
  if (!stat) throw new VideoDecodeError(path, 'video not found', '', 'check the data set root; the annotation lists it but it is not on disk')
  if (stat.isDirectory()) {
    const { files, ...info } = await probeFrameFolder(path, options.frameFolderFps)
    return { path, info, decode: (indices, plan, o) => decodeFolderFrames(files, info, indices, plan, o) }
  }
  const info = await probeVideoFile(path, options.probeTimeoutMs)
  return { path, info, decode: (indices, plan, o) => decodeFileFrames(path, info, indices, plan, o) }
}
