import { clipBench } from './clip'
import { dataBench } from './data'
import { stddBench } from './stdd'
import type { BenchSuite } from './types'

/** Every benchmark suite, in the order `stdd bench` runs them. Add yours here. */
export const BENCH_SUITES: BenchSuite[] = [dataBench, clipBench, stddBench]
