import { closeSync, existsSync, fstatSync, ftruncateSync, openSync, readSync, writeSync, fsyncSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { RECORD_FILE, type RecordBody, type RunRecord } from './record'

/** Complete lines of `record.jsonl` from byte `offset` on; a last line without its newline is left for later. */
export interface RecordChunk {
  records: RunRecord[]
  /** Where the next read starts (after the last complete line). */
  offset: number
}

const NEWLINE = 0x0a

/** Whether the byte before `offset` ends a line (where an earlier read stopped), or `offset` is the start. */
function startsLine(fd: number, offset: number): boolean {
  if (offset === 0) return true
  const byte = Buffer.alloc(1)
  return readSync(fd, byte, 0, 1, offset - 1) === 1 && byte[0] === NEWLINE
}

/**
 * Reads the complete records after `offset` (0: from the start). A file shorter than `offset`, or one
 * where `offset` is not the start of a line, is not the file that offset was taken on (it was replaced,
 * e.g. by another run's folder moved into its place): read it all, and let `seq` and `runKey` tell.
 */
export function readRecords(runDir: string, offset = 0): RecordChunk {
  const file = join(runDir, RECORD_FILE)
  if (!existsSync(file)) return { records: [], offset: 0 }
  const fd = openSync(file, 'r')
  try {
    const size = fstatSync(fd).size
    const from = offset > size || !startsLine(fd, offset) ? 0 : offset
    const bytes = Buffer.alloc(size - from)
    let read = 0
    while (read < bytes.length) {
      const n = readSync(fd, bytes, read, bytes.length - read, from + read)
      if (n === 0) break
      read += n
    }
    const end = bytes.lastIndexOf(NEWLINE, read - 1)
    if (end < 0) return { records: [], offset: from }
    const records = bytes
      .subarray(0, end)
      .toString('utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line, i) => parseRecord(line, file, i))
    return { records, offset: from + end + 1 }
  } finally {
    closeSync(fd)
  }
}

function parseRecord(line: string, file: string, index: number): RunRecord {
  let value: unknown
  try {
    value = JSON.parse(line)
  } catch (err) {
    throw new Error(`${file}: record line ${index + 1} is not JSON (${(err as Error).message}); the file was edited or damaged`, { cause: err })
  }
  const r = value as Partial<RunRecord> | null
  if (!r || typeof r !== 'object' || typeof r.seq !== 'number' || typeof r.runKey !== 'string' || typeof r.type !== 'string') {
    throw new Error(`${file}: record line ${index + 1} lacks seq, runKey or type; the file was edited or damaged`)
  }
  return r as RunRecord
}

/**
 * Appends records to a run's `record.jsonl`, continuing the sequence of earlier attempts. A partial last
 * line (a crash mid-write) is cut off first, so the next record starts on a line of its own.
 */
export class RecordWriter {
  private readonly fd: number
  private seq: number
  /** Attempts of the run recorded before this writer opened (its `start` records). */
  readonly attempts: number

  private constructor(
    readonly file: string,
    readonly runKey: string,
  ) {
    this.fd = openSync(file, 'a+')
    const { records, offset } = readRecords(dirname(file))
    const foreign = records.find((r) => r.runKey !== runKey)
    if (foreign) {
      closeSync(this.fd)
      throw new Error(`${file} holds records of run key ${foreign.runKey}, not this run's ${runKey}: the folder belongs to another run`)
    }
    if (fstatSync(this.fd).size > offset) ftruncateSync(this.fd, offset)
    this.seq = records.length ? records[records.length - 1]!.seq : 0
    this.attempts = records.reduce((n, r) => (r.type === 'start' ? Math.max(n, r.attempt) : n), 0)
  }

  static open(runDir: string, runKey: string): RecordWriter {
    return new RecordWriter(join(runDir, RECORD_FILE), runKey)
  }

  /** Appends one record (one write of one line) and returns it. `durable` waits until it is on disk (status changes). */
  append(body: RecordBody, durable = false): RunRecord {
    const record = { seq: this.seq + 1, runKey: this.runKey, at: new Date().toISOString(), ...body } as RunRecord
    writeSync(this.fd, JSON.stringify(record) + '\n')
    this.seq = record.seq
    if (durable) fsyncSync(this.fd)
    return record
  }

  close(): void {
    closeSync(this.fd)
  }
}
