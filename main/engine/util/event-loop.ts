/**
 * Lets the event loop run pending I/O (requests, socket messages, timers) before the caller goes on.
 * Long computations that only await microtasks (the WASM backend, in-process data) call it between
 * steps, so the engine keeps answering commands and streaming events while a run trains.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}
