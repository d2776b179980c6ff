import type { EngineConnection } from './connection'
import { Engine, type EngineOptions } from './engine'

/** The engine in this very process (the CLI's one-shot commands, tests). */
export async function startInProcessEngine(opts: EngineOptions = {}): Promise<EngineConnection & { engine: Engine }> {
  const engine = await Engine.start(opts)
  return {
    engine,
    invoke: (command, input) => engine.invoke(command, input),
    onEvent: (listener) => engine.subscribe((event, payload) => listener(event, payload)),
    close: async () => engine.close(),
  }
}
