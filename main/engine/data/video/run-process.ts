import { spawn } from 'node:child_process'
import { FfmpegNotFoundError } from '../errors'

export interface RunOptions {
  /** Kill the process (SIGKILL) after this many ms. */
  timeoutMs: number
  /** Bytes written to the process's stdin, then stdin is closed. */
  stdin?: Buffer | readonly Buffer[]
  /** Stop reading (and kill the process) once stdout passes this many bytes. */
  maxStdoutBytes?: number
}

export interface RunResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: Buffer
  stderr: string
  timedOut: boolean
}

/** Runs a program with an argv array (never a shell), collecting stdout as bytes and stderr as text. */
export function runProcess(program: string, args: readonly string[], options: RunOptions): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { stdio: ['pipe', 'pipe', 'pipe'], shell: false, windowsHide: true })
    const chunks: Buffer[] = []
    let size = 0
    let stderr = ''
    let timedOut = false
    let settled = false
    const timer = setTimeout(() => {
      timedOut = true
      child.kill('SIGKILL')
    }, options.timeoutMs)
    child.stdout.on('data', (c: Buffer) => {
      chunks.push(c)
      size += c.length
      if (options.maxStdoutBytes !== undefined && size > options.maxStdoutBytes) child.kill('SIGKILL')
    })
    child.stderr.on('data', (c: Buffer) => {
      if (stderr.length < 64_000) stderr += c.toString('utf8')
    })
    child.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer)
      if (settled) return
      settled = true
      reject(err.code === 'ENOENT' || err.code === 'EACCES' ? new FfmpegNotFoundError(program) : err)
    })
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      if (settled) return
      settled = true
      resolve({ code, signal, stdout: Buffer.concat(chunks, size), stderr, timedOut })
    })
    child.stdin.on('error', () => {
      // EPIPE when the program exits before reading all input: the exit code tells what happened.
    })
    const input = options.stdin === undefined ? [] : Buffer.isBuffer(options.stdin) ? [options.stdin] : options.stdin
    for (const b of input) child.stdin.write(b)
    child.stdin.end()
  })
}
