import { clipBench } from './clip'
import { dataBench } from './data'
import { gemmBench } from './gemm'
import { gpuBench } from './gpu'
import { latencyBench } from './latency'
import { stddBench } from './stdd'
import type { BenchSuite } from './types'
import { uiTableBench } from './ui-table'

/** Every benchmark suite, in the order `stdd bench` runs them. Add yours here. */
export const BENCH_SUITES: BenchSuite[] = [dataBench, gemmBench, clipBench, stddBench, uiTableBench, latencyBench, gpuBench]
