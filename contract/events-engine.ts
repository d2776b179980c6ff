import { z } from 'zod'

/**
 * The engine process died and its face (`stdd serve`, Electron main) started a new one: the runs it
 * was running were marked interrupted (resume continues them from their last checkpoint).
 */
export const EngineRestarted = z.object({
  /** How the dead process ended (`code 134`, `SIGKILL`). */
  reason: z.string(),
  /** The runs the new engine marked interrupted. */
  interruptedRunIds: z.array(z.number().int()),
  /** Restarts since the face started. */
  restarts: z.number().int(),
})
export type EngineRestarted = z.output<typeof EngineRestarted>

export const engineEventSchemas = {
  'engine.restarted': EngineRestarted,
}
