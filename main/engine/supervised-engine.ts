import { ContractError, type CommandName, type EventName } from '../../contract'
import type { EngineConnection } from './connection'

/** An engine process: a connection, and how it ends. */
export interface EngineProcess extends EngineConnection {
  /** Resolves with how the process ended (`code 134`, `SIGKILL`) when it exits. */
  readonly exited: Promise<string>
  /** The runs it marked interrupted when it started (their engine had died). */
  readonly interruptedAtStart: number[]
}

export interface SupervisorOptions {
  start(): Promise<EngineProcess>
  /** Restarts allowed within `windowMs` before the supervisor gives up (default 5 in 5 minutes). */
  maxRestarts?: number
  windowMs?: number
  /** Wait before restart n (0-based): `backoffMs · 2^n`, default 500 ms. */
  backoffMs?: number
  log?(line: string): void
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/**
 * The engine process of a face (`stdd serve`, Electron main), restarted when it dies (an out-of-memory
 * abort, a crash of a native addon): the new engine marks the runs the dead one ran as interrupted, and
 * every face hears an `engine.restarted` event. Calls made while it restarts wait for the new engine.
 * A process that keeps dying (more than `maxRestarts` in `windowMs`) is left dead; calls then fail
 * with `unavailable`, naming the reason.
 */
export class SupervisedEngine implements EngineConnection {
  private current: Promise<EngineProcess>
  private readonly listeners = new Set<(event: EventName, payload: unknown) => void>()
  private closing = false
  private restarts: number[] = []
  private restartCount = 0
  private gaveUp: string | null = null

  private constructor(
    private readonly opts: SupervisorOptions,
    first: EngineProcess,
  ) {
    this.current = Promise.resolve(first)
    this.watch(first)
  }

  static async start(opts: SupervisorOptions): Promise<SupervisedEngine> {
    return new SupervisedEngine(opts, await opts.start())
  }

  private watch(engine: EngineProcess): void {
    engine.onEvent((event, payload) => {
      for (const l of this.listeners) l(event, payload)
    })
    void engine.exited.then((how) => {
      if (this.closing) return
      this.current = this.restart(how)
      this.current.catch(() => undefined) // a caller that waits on it hears why
    })
  }

  private async restart(how: string): Promise<EngineProcess> {
    const now = Date.now()
    const windowMs = this.opts.windowMs ?? 5 * 60_000
    this.restarts = this.restarts.filter((t) => now - t < windowMs)
    if (this.restarts.length >= (this.opts.maxRestarts ?? 5)) {
      this.gaveUp = `the engine process stopped ${this.restarts.length + 1} times within ${Math.round(windowMs / 1000)} s (last: ${how}); see its log, then start the app again`
      this.opts.log?.(this.gaveUp)
      throw new ContractError('unavailable', this.gaveUp)
    }
    await sleep((this.opts.backoffMs ?? 500) * 2 ** this.restarts.length)
    this.restarts.push(now)
    this.opts.log?.(`the engine process stopped (${how}); starting a new one`)
    let engine: EngineProcess
    try {
      engine = await this.opts.start()
    } catch (err) {
      if (this.closing) throw err
      return this.restart(`its restart failed: ${err instanceof Error ? err.message : String(err)}`)
    }
    if (this.closing) {
      await engine.close()
      throw new ContractError('unavailable', 'the engine is shutting down')
    }
    this.restartCount++
    this.watch(engine)
    const payload = { reason: how, interruptedRunIds: engine.interruptedAtStart, restarts: this.restartCount }
    for (const l of this.listeners) l('engine.restarted', payload)
    this.opts.log?.(`a new engine process serves${engine.interruptedAtStart.length ? `; run(s) ${engine.interruptedAtStart.join(', ')} were interrupted and can be resumed` : ''}`)
    return engine
  }

  async invoke(command: CommandName | string, input: unknown): Promise<unknown> {
    if (this.gaveUp) throw new ContractError('unavailable', this.gaveUp)
    return (await this.current).invoke(command, input)
  }

  onEvent(listener: (event: EventName, payload: unknown) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  async close(): Promise<void> {
    this.closing = true
    const engine = await this.current.catch(() => null)
    await engine?.close()
  }
}
