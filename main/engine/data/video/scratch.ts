import { accessSync, constants } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

let base: string | null = null
let counter = 0
const tag = Math.random().toString(36).slice(2, 8)

/**
 * A fresh file name for frames in transit (in /dev/shm when there is one, so nothing touches the disk);
 * the caller removes the file. Decoders write frames there instead of into a pipe: a pipe holds 64 KB
 * and a 224² frame is 150 KB, so a pipe would stall ffmpeg whenever this thread is busy with a model step.
 */
export function scratchFile(ext: string): string {
  if (!base) {
    base = tmpdir()
    try {
      accessSync('/dev/shm', constants.W_OK)
      base = '/dev/shm'
    } catch {
      // no tmpfs: the system temp folder
    }
  }
  return join(base, `stdd-frames-${process.pid}-${tag}-${++counter}.${ext}`)
}
