import { spawn, type ChildProcess } from 'node:child_process'
import { openSync, closeSync } from 'node:fs'

/** A background process this test started, stopped by its own pid (never by name). */
export interface Daemon {
  name: string
  pid: number
  /** Why it exited, once it has; null while it runs. */
  exited(): string | null
  /** SIGTERM, then SIGKILL after `graceMs` if it is still there. Resolves once it is gone. */
  stop(graceMs?: number): Promise<void>
}

/** Starts `command args` in the background with its output appended to `logFile`. */
export function startDaemon(name: string, command: string, args: string[], logFile: string, env: NodeJS.ProcessEnv = process.env): Daemon {
  const out = openSync(logFile, 'a')
  let child: ChildProcess
  try {
    child = spawn(command, args, { stdio: ['ignore', out, out], env })
  } finally {
    closeSync(out)
  }
  if (child.pid === undefined) throw new Error(`${name}: could not start ${command}; is it installed? (see .ci/run for the packages)`)
  const pid = child.pid
  let exit: string | null = null
  // Should the test process end without stopping it (a crash), it does not outlive the test.
  const killOnExit = (): void => {
    if (exit === null) process.kill(pid, 'SIGKILL')
  }
  process.once('exit', killOnExit)
  const gone = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exit = signal ? `killed by ${signal}` : `exit code ${code}`
      process.off('exit', killOnExit)
      resolve()
    })
    child.once('error', (err) => {
      exit = err.message
      resolve()
    })
  })
  return {
    name,
    pid,
    exited: () => exit,
    async stop(graceMs = 15_000) {
      if (exit !== null) return
      process.kill(pid, 'SIGTERM')
      const timer = new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), graceMs).unref())
      if ((await Promise.race([gone, timer])) === 'late' && exit === null) {
        process.kill(pid, 'SIGKILL')
        await gone
      }
    },
  }
}

/** Polls `check` every `everyMs` until it returns a value, or throws `describe()` after `timeoutMs`. */
export async function waitFor<T>(check: () => T | null | undefined | Promise<T | null | undefined>, timeoutMs: number, describe: () => string, everyMs = 200): Promise<T> {
  const until = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value !== null && value !== undefined) return value
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs / 1000} s: ${describe()}`)
    await new Promise((r) => setTimeout(r, everyMs))
  }
}
