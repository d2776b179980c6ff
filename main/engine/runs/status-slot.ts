import { closeSync, existsSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs'
import { join } from 'node:path'

/**
 * A run's final status kept in its folder for when the database cannot take it (the disk is full):
 * `final-status.json`, reserved at full size when the run starts and later overwritten in place, so
 * writing it needs no new disk space. The next engine start reads it instead of calling the run
 * merely "interrupted" (the CLI exits before the disk has room again).
 */

export interface SlotStatus {
  status: 'done' | 'cancelled' | 'failed'
  error: string | null
}

const SLOT_BYTES = 4096
const slotPath = (runDir: string): string => join(runDir, 'final-status.json')

/** Reserves the slot (blank) in a run's folder; a failure here is left to the run's own writes to report. */
export function reserveStatusSlot(runDir: string): void {
  try {
    writeFileSync(slotPath(runDir), ' '.repeat(SLOT_BYTES))
  } catch {
    // no space even now: the run's first write will say so
  }
}

/** Writes the status into the reserved bytes (never growing the file); false when it could not. */
export function writeStatusSlot(runDir: string, outcome: SlotStatus): boolean {
  if (!existsSync(slotPath(runDir))) return false
  let text = JSON.stringify(outcome)
  if (Buffer.byteLength(text) > SLOT_BYTES) text = JSON.stringify({ ...outcome, error: Buffer.from(outcome.error ?? '').subarray(0, SLOT_BYTES - 200).toString('utf8') + '…' })
  try {
    const fd = openSync(slotPath(runDir), 'r+')
    try {
      writeSync(fd, Buffer.from(text.padEnd(SLOT_BYTES, ' ')), 0, SLOT_BYTES, 0)
    } finally {
      closeSync(fd)
    }
    return true
  } catch {
    return false
  }
}

/** The status a slot holds, or null (blank: the run was still going when its engine stopped). */
export function readStatusSlot(runDir: string): SlotStatus | null {
  try {
    const text = readFileSync(slotPath(runDir), 'utf8').trim()
    return text ? (JSON.parse(text) as SlotStatus) : null
  } catch {
    return null
  }
}

export function removeStatusSlot(runDir: string): void {
  rmSync(slotPath(runDir), { force: true })
}
