import type { CommandName, EventName } from '../../contract'

/** Something that carries the contract to an engine: the engine itself, or an engine process. */
export interface EngineConnection {
  invoke(command: CommandName | string, input: unknown): Promise<unknown>
  /** Every event, whatever its name (faces forward them unfiltered). */
  onEvent(listener: (event: EventName, payload: unknown) => void): () => void
  close(): Promise<void>
}
