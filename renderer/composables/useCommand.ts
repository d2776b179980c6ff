import { ref, shallowRef, type Ref, type ShallowRef } from 'vue'
import type { CommandInput, CommandName, CommandOutput } from '../../contract/api-runtime'
import { invoke } from '../api/bridge'

export interface CommandState<A extends unknown[], T> {
  /** The last successful result (kept while a newer call is in flight). */
  data: ShallowRef<T | null>
  /** True while a call is in flight. */
  busy: Ref<boolean>
  /** The last call's error message, or null after a success. */
  error: Ref<string | null>
  /** Runs the action; resolves to its result, or to null when it failed (the message is in `error`). */
  run: (...args: A) => Promise<T | null>
}

/**
 * Busy and error state around one asynchronous action. Only the newest call's outcome is kept, so a
 * slow reply to an earlier call never overwrites a newer one.
 */
export function useAction<A extends unknown[], T>(action: (...args: A) => Promise<T>): CommandState<A, T> {
  const data = shallowRef<T | null>(null)
  const busy = ref(false)
  const error = ref<string | null>(null)
  let latest = 0
  async function run(...args: A): Promise<T | null> {
    const call = ++latest
    busy.value = true
    try {
      const value = await action(...args)
      if (call === latest) {
        data.value = value
        error.value = null
      }
      return value
    } catch (err) {
      if (call === latest) error.value = err instanceof Error ? err.message : String(err)
      return null
    } finally {
      if (call === latest) busy.value = false
    }
  }
  return { data, busy, error, run }
}

/** {@link useAction} for one contract command: `run(input)` invokes it. */
export function useCommand<C extends CommandName>(command: C): CommandState<[CommandInput<C>], CommandOutput<C>> {
  return useAction((input: CommandInput<C>) => invoke(command, input))
}
