import { describe, expect, it } from 'vitest'
import { describeTorchBlas, FAIR_GFLOPS, fairBaselineHint, torchEnv, type TorchFigures } from '../../../main/bench/clip_torch'
import { bestOpenblasCore, cpuFacts, peakGflops, type CpuFacts } from '../../../main/bench/machine'

const ZEN5: CpuFacts = { model: 'AMD EPYC', cores: 2, avx512: true, avx2fma: true }
const ZEN3: CpuFacts = { model: 'AMD EPYC', cores: 2, avx512: false, avx2fma: true }
const OLD: CpuFacts = { model: 'old', cores: 4, avx512: false, avx2fma: false }

function figures(api: string, probeGflops: number): TorchFigures {
  return {
    version: '1.13.0a0',
    device: 'cpu',
    threads: 2,
    blas: { configBlas: 'generic', library: '/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblasp-r0.3.21.so', api, version: '0.3.21', core: 'Haswell', blasThreads: 2, coreType: 'Haswell', probeGflops },
    fair: probeGflops >= FAIR_GFLOPS,
    forwardMs: 1,
    backwardMs: 3,
    forwardCpuMs: 2,
    backwardCpuMs: 6,
    peakMb: 700,
  }
}

describe('the PyTorch baseline', () => {
  it('asks OpenBLAS for the widest kernel the CPU has, never a wider one', () => {
    expect(bestOpenblasCore(ZEN5)).toBe('SkylakeX')
    expect(bestOpenblasCore(ZEN3)).toBe('Haswell') // SkylakeX would die with SIGILL here
    expect(bestOpenblasCore(OLD)).toBeNull()
  })

  it('sets the core type and the malloc tunables for the PyTorch process only', () => {
    const before = process.env.OPENBLAS_CORETYPE
    const env = torchEnv()
    expect(env.MALLOC_MMAP_THRESHOLD_).toBe('33554432')
    expect(env.OPENBLAS_CORETYPE).toBe(bestOpenblasCore(cpuFacts()) ?? undefined)
    expect(process.env.OPENBLAS_CORETYPE).toBe(before)
  })

  it('computes the peak from cores, vector width and the assumed clock', () => {
    // 2 cores × 2 FMA pipes × 16 lanes × 2 FLOP × 3.4 GHz = 435.2 (docs/backends.md §6)
    expect(peakGflops(ZEN5).gflops).toBeCloseTo(435.2, 6)
    expect(peakGflops(ZEN3).gflops).toBeCloseTo(217.6, 6)
  })

  it('flags a probe below 100 GFLOP/s as not a fair baseline, with the fix that fits', () => {
    const slowRef = figures('reference', 5.2)
    expect(describeTorchBlas(slowRef)).toContain('matmul probe 5.2 GFLOP/s < 100: NOT a fair baseline, no ratio claimed')
    expect(fairBaselineHint(slowRef)).toContain('apt-get install libopenblas0-pthread')
    const busy = figures('openblas', 40)
    expect(fairBaselineHint(busy)).toContain('machine is probably busy')
    const fast = figures('openblas', 180)
    expect(describeTorchBlas(fast)).not.toContain('NOT a fair')
    expect(describeTorchBlas(fast)).toContain('kernel Haswell (OPENBLAS_CORETYPE=Haswell); torch 2 threads, BLAS 2 threads; matmul probe 180.0 GFLOP/s')
  })
})
