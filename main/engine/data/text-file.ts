import { existsSync, readFileSync, statSync } from 'node:fs'
import { DataError } from './errors'

export interface TextLine {
  /** The line without its end-of-line characters and surrounding white space. */
  text: string
  /** 1-based. */
  line: number
}

/** Reads a text file's non-blank lines (LF or CRLF), or throws a DataError that says what the file is and where it comes from. */
export function readTextLines(file: string, whatItIs: string): TextLine[] {
  return readTextFile(file, whatItIs)
    .split('\n')
    .map((raw, i) => ({ text: raw.trim(), line: i + 1 }))
    .filter((l) => l.text.length > 0)
}

export function readTextFile(file: string, whatItIs: string): string {
  if (!existsSync(file)) throw new DataError(`${whatItIs} not found`, { file, fix: 'check the data set root and that the annotation archive is unpacked there' })
  if (!statSync(file).isFile()) throw new DataError(`${whatItIs} is not a file`, { file })
  return readFileSync(file, 'utf8').replace(/^\uFEFF/, '')
}

/** Parses a JSON file or throws a DataError naming it. */
export function readJsonFile(file: string, whatItIs: string): unknown {
  const text = readTextFile(file, whatItIs)
  try {
    return JSON.parse(text) as unknown
  } catch (err) {
    throw new DataError(`${whatItIs} is not valid JSON: ${(err as Error).message}`, { file })
  }
}
