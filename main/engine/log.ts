import type { LogEntry } from '../../contract'
import type { EventBus } from './events'

type Level = LogEntry['level']

/** Engine log: kept in a ring buffer for faces that connect later, and streamed as `log` events. */
export class EngineLog {
  private seq = 0
  private readonly entries: LogEntry[] = []

  constructor(
    private readonly bus: EventBus,
    private readonly capacity = 1000,
    private readonly echo: ((entry: LogEntry) => void) | null = null,
  ) {}

  write(level: Level, source: string, message: string): LogEntry {
    const entry: LogEntry = { seq: ++this.seq, time: new Date().toISOString(), level, source, message }
    this.entries.push(entry)
    if (this.entries.length > this.capacity) this.entries.shift()
    this.echo?.(entry)
    this.bus.emit('log', entry)
    return entry
  }

  info(source: string, message: string): LogEntry {
    return this.write('info', source, message)
  }

  warn(source: string, message: string): LogEntry {
    return this.write('warn', source, message)
  }

  error(source: string, message: string): LogEntry {
    return this.write('error', source, message)
  }

  recent(limit: number): LogEntry[] {
    return this.entries.slice(-limit)
  }
}
