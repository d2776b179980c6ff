/** One benchmark suite of `stdd bench`. Each area (CLIP, STDD, data) adds a file and lists it in index.ts. */
export interface BenchRow {
  /** What was measured, e.g. "ViT-B/16 vision forward, 8 frames". */
  name: string
  /** Median wall time in milliseconds. */
  ms: number
  /** Further figures: GFLOP/s, peak MB, ratio to a baseline… */
  extra?: Record<string, number | string>
}

export interface BenchContext {
  /** Quick mode for smoke-testing the suite itself: fewer repetitions, smaller shapes where a suite allows. */
  quick: boolean
  log(line: string): void
  /** Records a failed check (a regression guard): the rows still print, then `stdd bench` exits 1. */
  fail(line: string): void
}

export interface BenchSuite {
  name: string
  description: string
  run(ctx: BenchContext): Promise<BenchRow[]>
}
