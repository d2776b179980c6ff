import type { EventName, EventPayload } from '../../contract'

export type EngineEventListener = <E extends EventName>(event: E, payload: EventPayload<E>) => void

/** The engine's outgoing events: every face subscribes here and forwards them on its transport. */
export class EventBus {
  private readonly listeners = new Set<EngineEventListener>()

  subscribe(listener: EngineEventListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    for (const l of this.listeners) {
      try {
        l(event, payload)
      } catch {
        // A broken listener (a closed socket) must never break the engine or the other faces.
      }
    }
  }
}
