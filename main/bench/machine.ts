import { readFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'

/**
 * What the benches need to know about the CPU: its vector units (for the peak FLOP rate and the
 * OpenBLAS kernel that fits), the core count, and how busy the machine is.
 */

export interface CpuFacts {
  model: string
  cores: number
  avx512: boolean
  avx2fma: boolean
}

export function cpuFacts(): CpuFacts {
  let text = ''
  try {
    text = readFileSync('/proc/cpuinfo', 'utf8')
  } catch {
    // not Linux: no flags, conservative answers below
  }
  const flags = new Set((/^flags\s*:\s*(.*)$/m.exec(text)?.[1] ?? '').split(/\s+/))
  return {
    model: cpus()[0]?.model ?? 'unknown CPU',
    cores: cpus().length,
    avx512: ['avx512f', 'avx512bw', 'avx512dq', 'avx512vl'].every((f) => flags.has(f)),
    avx2fma: flags.has('avx2') && flags.has('fma'),
  }
}

/**
 * Peak float32 rate, GFLOP/s: cores × 2 FMA pipes × lanes × 2 FLOP × clock. The clock is an
 * assumption (3.4 GHz, measured on the reference machine, docs/backends.md §6: VMs report
 * the TSC rate, not the boost clock); `STDD_PEAK_GFLOPS` overrides the whole estimate.
 */
export function peakGflops(c: CpuFacts = cpuFacts()): { gflops: number; how: string } {
  const given = Number(process.env.STDD_PEAK_GFLOPS)
  if (given > 0) return { gflops: given, how: 'STDD_PEAK_GFLOPS' }
  const lanes = c.avx512 ? 16 : c.avx2fma ? 8 : 4
  const ghz = 3.4
  return { gflops: c.cores * 2 * lanes * 2 * ghz, how: `${c.cores} cores × 2 FMA × ${lanes} lanes × 2 × ${ghz} GHz (assumed clock; set STDD_PEAK_GFLOPS to override)` }
}

/**
 * The OpenBLAS core type that uses this CPU's widest vector units, for the PyTorch baseline's
 * process: `SkylakeX` (AVX-512), `Haswell` (AVX2 + FMA), or null (leave OpenBLAS's own choice).
 * Never a wider one than the CPU has: OpenBLAS then dies with SIGILL.
 */
export function bestOpenblasCore(c: CpuFacts = cpuFacts()): string | null {
  return c.avx512 ? 'SkylakeX' : c.avx2fma ? 'Haswell' : null
}

/** 1-minute load average: on a shared machine other jobs slow every figure down. */
export function load1(): number {
  return Number(loadavg()[0]!.toFixed(2))
}
