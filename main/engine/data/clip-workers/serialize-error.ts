import { DataError, FfmpegNotFoundError, VideoDecodeError } from '../errors'

/** The error classes that keep their identity across the thread boundary (checked most specific first). */
const CLASSES = { VideoDecodeError, DataError, FfmpegNotFoundError, RangeError, TypeError, Error } as const
type Kind = keyof typeof CLASSES
const ORDER: Kind[] = ['VideoDecodeError', 'DataError', 'FfmpegNotFoundError', 'RangeError', 'TypeError', 'Error']

/** An error as plain data: its class, message, stack and own string/number fields (file, line, fix, stderr…). */
export interface SerializedError {
  kind: Kind
  message: string
  stack: string | null
  fields: Record<string, string | number>
}

export function serializeError(error: unknown): SerializedError {
  if (!(error instanceof Error)) return { kind: 'Error', message: String(error), stack: null, fields: {} }
  const kind = ORDER.find((k) => error instanceof CLASSES[k]) ?? 'Error'
  const fields: Record<string, string | number> = {}
  for (const [key, value] of Object.entries(error)) if (typeof value === 'string' || typeof value === 'number') fields[key] = value
  return { kind, message: error.message, stack: error.stack ?? null, fields }
}

/**
 * The same error on this side: an instance of the same class (so `instanceof DataError` still routes
 * it to skip-and-count), with the identical message and fields. Built without running the
 * constructor, which would compose the message a second time.
 */
export function restoreError(s: SerializedError): Error {
  const error = Object.create(CLASSES[s.kind].prototype) as Error
  Object.defineProperty(error, 'message', { value: s.message, writable: true, configurable: true, enumerable: false })
  if (s.stack !== null) Object.defineProperty(error, 'stack', { value: s.stack, writable: true, configurable: true, enumerable: false })
  return Object.assign(error, s.fields)
}
