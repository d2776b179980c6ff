import { readFileAtMost } from './bounded-read'

/** The largest JSON file of a model folder read (a CLIP `tokenizer.json` is about 2 MiB). */
export const MAX_MODEL_JSON_BYTES = 64 << 20

/** Whether parsing `prefix` fails before its end (so the text is broken within it), not merely because it stops early. */
function brokenWithin(prefix: string): boolean {
  try {
    JSON.parse(prefix)
    return false
  } catch (err) {
    const message = (err as Error).message
    if (/Unexpected end of JSON input/.test(message)) return false
    const at = /at position (\d+)/.exec(message)
    return !(at && Number(at[1]) >= prefix.length)
  }
}

/** The offset of the first character that makes `text` invalid JSON (V8's messages give none for a bad token). */
function errorOffset(text: string): number {
  let [lo, hi] = [0, text.length] // the shortest broken prefix has a length in (lo, hi]
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1
    if (brokenWithin(text.slice(0, mid))) hi = mid
    else lo = mid
  }
  return hi - 1
}

/**
 * A JSON file's content, read as {@link readFileAtMost} allows. A syntax error names the file and
 * the line and column, never the file's bytes (V8's messages quote them).
 */
export function readJsonFile(path: string, what: string, maxBytes = MAX_MODEL_JSON_BYTES): unknown {
  const text = readFileAtMost(path, maxBytes, what)
  try {
    return JSON.parse(text) as unknown
  } catch (err) {
    const before = text.slice(0, errorOffset(text)).split('\n')
    throw new Error(`${path}: not valid JSON (at line ${before.length}, column ${before.at(-1)!.length + 1}); is this the ${what}?`, { cause: err })
  }
}
