import { FFMPEG_INSTALL_HINT } from '../system/ffmpeg'

export interface DataErrorWhere {
  /** The file the problem is in (an annotation file, a video, a folder). */
  file?: string
  /** 1-based line number inside `file`. */
  line?: number
  /** What the user should do about it. */
  fix?: string
}

/** A problem with a data set on disk: the message names the file (and line) and says how to fix it. */
export class DataError extends Error {
  readonly file?: string
  readonly line?: number
  readonly fix?: string

  constructor(what: string, where: DataErrorWhere = {}) {
    const place = where.file ? `${where.file}${where.line ? `:${where.line}` : ''}: ` : ''
    super(`${place}${what}${where.fix ? ` (${where.fix})` : ''}`)
    this.name = 'DataError'
    if (where.file !== undefined) this.file = where.file
    if (where.line !== undefined) this.line = where.line
    if (where.fix !== undefined) this.fix = where.fix
  }
}

/** One video that could not be read. Evaluation catches these per video, skips the video and counts it. */
export class VideoDecodeError extends DataError {
  /** ffmpeg/ffprobe's error output (last lines), '' when the failure came before the process ran. */
  readonly stderr: string

  constructor(video: string, what: string, stderr = '', fix?: string) {
    const tail = stderr.trim().split('\n').slice(-6).join(' | ')
    super(`${what}${tail ? `: ${tail}` : ''}`, { file: video, fix: fix ?? 'check that the file plays (e.g. "ffprobe FILE"); re-download it if it is truncated' })
    this.name = 'VideoDecodeError'
    this.stderr = stderr
  }
}

/** ffmpeg or ffprobe cannot be started: one message that says how to install it. */
export class FfmpegNotFoundError extends Error {
  /** `message` defaults to "<program> could not be started: <how to install>". */
  constructor(program: string, message = `${program} could not be started: ${FFMPEG_INSTALL_HINT}`) {
    super(message)
    this.name = 'FfmpegNotFoundError'
  }
}

/** The clip worker thread died while it was loading this video: skipped and counted like a broken video. */
export class ClipWorkerCrashError extends DataError {
  constructor(video: string, reason: string) {
    super(`the clip worker thread stopped (${reason}) while loading this video; it is restarted for the next ones`, {
      file: video,
      fix: 'check that the file plays (e.g. "ffprobe FILE"); if every video fails like this, set STDD_DATA_WORKERS=0 to decode on the engine thread',
    })
    this.name = 'ClipWorkerCrashError'
  }
}
