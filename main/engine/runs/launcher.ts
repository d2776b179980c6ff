/** How a run's worker ended. */
export interface WorkerExit {
  code: number | null
  signal: string | null
  /** Its last lines on stderr (why it died, when it did). */
  lastLines: string[]
}

/** One started worker attempt of a run. */
export interface LaunchedWorker {
  /** Asks it to stop at its next step; escalates (SIGTERM, then SIGKILL) when it does not. */
  cancel(): void
  readonly exited: Promise<WorkerExit>
  /** Called right after the worker appended to its record (an in-process worker; a process's record is polled). */
  onAppend(listener: () => void): void
}

/** Starts a worker on a prepared run folder (run.json written). */
export interface RunLauncher {
  launch(runDir: string): LaunchedWorker
}
