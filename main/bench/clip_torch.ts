import { spawnSync } from 'node:child_process'
import { bestOpenblasCore } from './machine'

/**
 * The PyTorch side of the CLIP bench: the same ViT-B/16 vision tower (transformers' CLIP layout,
 * quick_gelu, eager attention) with random weights, timed in a Python child process. Found through
 * `python3` on PATH, then Debian's `/usr/bin/python3` (where `apt install python3-torch` puts it).
 * On a CUDA machine (when the tfjs backend is a GPU one) it runs on the GPU.
 *
 * Installs nothing. It first reports which BLAS the process really uses (`torch.__config__`,
 * threadpoolctl or the mapped library), its kernel and threads, and times a matmul probe: below
 * {@link FAIR_GFLOPS} (Debian's reference libblas3 gives ≈5) the baseline is flagged as not fair
 * and no ratio is claimed against it (with the reference BLAS the model is not even timed: it would
 * take over 15 minutes).
 */

export interface TorchBenchConfig {
  frames: number
  layers: number
  width: number
  heads: number
  intermediate: number
  patch: number
  image: number
  projection: number
  /** Prefer CUDA when torch sees a GPU. */
  gpu: boolean
  /** torch.set_num_threads. */
  threads: number
  /** Timed repetitions on the CPU (best reported); 3 on CUDA. */
  reps: number
}

/** Which BLAS the PyTorch process uses and how fast it multiplies: decides whether it is a fair baseline. */
export interface TorchBlas {
  /** `BLAS_INFO` of `torch.__config__.show()` ("generic" = whatever libblas.so.3 is). */
  configBlas: string | null
  /** The BLAS library file loaded in the process (threadpoolctl, else /proc/self/maps). */
  library: string | null
  /** "openblas", "mkl", "blis", or "reference" (netlib libblas3, ≈5 GFLOP/s). */
  api: string
  version: string | null
  /** The kernel OpenBLAS runs (its core type). */
  core: string | null
  blasThreads: number | null
  /** OPENBLAS_CORETYPE as set for the process, or null. */
  coreType: string | null
  /** Best of the probe products, GFLOP/s: [1576×768]·[768×3072] (a ViT-B/16 fc1 at 8 frames). */
  probeGflops: number
}

export interface TorchFigures {
  version: string
  device: string
  threads: number
  blas: TorchBlas
  /** False when the matmul probe is below {@link FAIR_GFLOPS} on a CPU: no ratio is claimed; with a reference BLAS the model is not even timed. */
  fair: boolean
  forwardMs: number | null
  backwardMs: number | null
  /** Process CPU time (all threads) of the timed runs, ms. */
  forwardCpuMs: number | null
  backwardCpuMs: number | null
  /** Peak process RSS (CPU) or peak CUDA allocation, MB. */
  peakMb: number
}

/** A CPU baseline whose BLAS multiplies slower than this is not what a PyTorch user has: no ratio is claimed against it. */
export const FAIR_GFLOPS = 100

export type TorchResult = { ok: true; figures: TorchFigures; env: Record<string, string> } | { ok: false; reason: string; short: string }

// glibc malloc tunables: without them PyTorch's CPU timings are 1.3–1.8× slower and erratic in this
// VM (fresh pages cost 11.5 µs each; docs/backends.md §6).
const MALLOC_ENV = { MALLOC_MMAP_THRESHOLD_: '33554432', MALLOC_TRIM_THRESHOLD_: '17179869184', MALLOC_TOP_PAD_: '268435456' }

export const TORCH_SCRIPT = String.raw`
import json, os, re, sys, time, resource
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.checkpoint import checkpoint

c = json.loads(sys.argv[1])
dev = 'cuda' if c['gpu'] and torch.cuda.is_available() else 'cpu'
torch.manual_seed(0)
torch.set_num_threads(c['threads'])

def blas_report():
    m = re.search(r'BLAS_INFO=(\w+)', torch.__config__.show())
    r = {'configBlas': m.group(1) if m else None, 'library': None, 'api': 'unknown', 'version': None, 'core': None, 'blasThreads': None, 'coreType': os.environ.get('OPENBLAS_CORETYPE')}
    torch.ones(2, 2) @ torch.ones(2, 2)  # make sure the BLAS library is loaded
    try:
        from threadpoolctl import threadpool_info
        for p in threadpool_info():
            if p.get('user_api') == 'blas':
                r.update(library=p.get('filepath'), api=p.get('internal_api'), version=p.get('version'), core=p.get('architecture'), blasThreads=p.get('num_threads'))
                break
    except ImportError:
        pass
    if r['library'] is None:
        libs = sorted({l.split()[-1] for l in open('/proc/self/maps') if re.search(r'/lib(open)?blas[^/]*\.so', l)})
        if libs:
            r['library'] = libs[0]
            r['api'] = 'openblas' if 'openblas' in libs[0] else 'unknown'
            if r['api'] == 'openblas':
                import ctypes
                lib = ctypes.CDLL(libs[0])
                lib.openblas_get_corename.restype = ctypes.c_char_p
                r['core'] = lib.openblas_get_corename().decode()
                r['blasThreads'] = lib.openblas_get_num_threads()
    if r['library'] and r['api'] in ('unknown', None) and re.search(r'/blas/libblas\.so', r['library']):
        r['api'] = 'reference'
    return r

def probe():
    a, b = torch.randn(1576, 768), torch.randn(3072, 768)
    a @ b.t()
    t = min(time_once(lambda: a @ b.t()) for _ in range(10))
    return 2 * 1576 * 768 * 3072 / t / 1e9

def time_once(f):
    t = time.perf_counter()
    f()
    return time.perf_counter() - t

blas = blas_report()
blas['probeGflops'] = probe() if dev == 'cpu' else None
fair = dev == 'cuda' or blas['probeGflops'] >= c['fairGflops']
# A slow reference BLAS would take many minutes on the model: report the probe only. An optimised
# BLAS that is slow because the machine is busy is still timed (no ratio is claimed against it).
if not fair and blas['api'] not in ('openblas', 'mkl', 'blis'):
    print(json.dumps({'version': torch.__version__, 'device': dev, 'threads': torch.get_num_threads(), 'blas': blas, 'fair': False, 'forwardMs': None, 'backwardMs': None, 'forwardCpuMs': None, 'backwardCpuMs': None, 'peakMb': round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}))
    sys.exit(0)
D, H, I, P, S = c['width'], c['heads'], c['intermediate'], c['patch'], c['image']

class Layer(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln1, self.ln2 = nn.LayerNorm(D), nn.LayerNorm(D)
        self.q, self.k, self.v, self.o = (nn.Linear(D, D) for _ in range(4))
        self.fc1, self.fc2 = nn.Linear(D, I), nn.Linear(I, D)

    def forward(self, x):
        b, l, _ = x.shape
        h = self.ln1(x)
        split = lambda t: t.view(b, l, H, D // H).transpose(1, 2)
        q, k, v = split(self.q(h)), split(self.k(h)), split(self.v(h))
        a = F.softmax(q @ k.transpose(-1, -2) * (D // H) ** -0.5, dim=-1) @ v
        x = x + self.o(a.transpose(1, 2).reshape(b, l, D))
        h = self.fc1(self.ln2(x))
        return x + self.fc2(h * torch.sigmoid(1.702 * h))

class Vision(nn.Module):
    def __init__(self):
        super().__init__()
        self.patch = nn.Conv2d(3, D, P, P, bias=False)
        self.cls = nn.Parameter(torch.randn(D) * 0.02)
        self.pos = nn.Parameter(torch.randn((S // P) ** 2 + 1, D) * 0.02)
        self.ln_pre, self.ln_post = nn.LayerNorm(D), nn.LayerNorm(D)
        self.layers = nn.ModuleList(Layer() for _ in range(c['layers']))
        self.proj = nn.Linear(D, c['projection'], bias=False)

    def forward(self, x, ckpt):
        x = self.patch(x).flatten(2).transpose(1, 2)
        x = torch.cat([self.cls.expand(x.shape[0], 1, D), x], 1) + self.pos
        x = self.ln_pre(x)
        for layer in self.layers:
            x = checkpoint(layer, x, use_reentrant=False) if ckpt else layer(x)
        return self.proj(self.ln_post(x[:, 0]))

m = Vision().to(dev)
x = torch.randn(c['frames'], 3, S, S, device=dev)
target = torch.randn(c['frames'], c['projection'], device=dev)
sync = torch.cuda.synchronize if dev == 'cuda' else (lambda: None)

def fwd():
    with torch.no_grad():
        m(x, False)
    sync()

def fwd_bwd():
    m.zero_grad(set_to_none=True)
    F.mse_loss(m(x, True), target).backward()
    sync()

def best(f, reps):
    f()
    wall, cpu = [], []
    for _ in range(reps):
        t, p = time.perf_counter(), time.process_time()
        f()
        wall.append((time.perf_counter() - t) * 1e3)
        cpu.append((time.process_time() - p) * 1e3)
    i = wall.index(min(wall))
    return wall[i], cpu[i]

reps = 3 if dev == 'cuda' else c['reps']
f_ms, f_cpu = best(fwd, reps)
b_ms, b_cpu = best(fwd_bwd, reps)
peak = torch.cuda.max_memory_allocated() / 2**20 if dev == 'cuda' else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({'version': torch.__version__, 'device': dev if dev == 'cpu' else torch.cuda.get_device_name(0), 'threads': torch.get_num_threads(), 'blas': blas, 'fair': fair, 'forwardMs': f_ms, 'backwardMs': b_ms, 'forwardCpuMs': f_cpu, 'backwardCpuMs': b_cpu, 'peakMb': round(peak)}))
`

function findTorchPython(): { python: string } | { reason: string; short: string } {
  const tried: string[] = []
  for (const python of ['python3', '/usr/bin/python3']) {
    const r = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8', timeout: 120_000 })
    if (r.status === 0) return { python }
    tried.push(`${python}: ${r.error ? 'not found' : (r.stderr.trim().split('\n').pop() ?? 'fails')}`)
  }
  return { reason: `torch is not installed (${tried.join('; ')}); Debian: apt install python3-torch`, short: 'torch is not installed; Debian: apt install python3-torch' }
}

/**
 * The environment of the PyTorch process: glibc malloc tunables, and `OPENBLAS_CORETYPE` set to the
 * widest kernel this CPU runs (SkylakeX with AVX-512, else Haswell with AVX2): a machine's
 * environment may pin an older core, which no PyTorch user would choose. Only this child process
 * gets it; the tests and the tfjs side keep the environment's.
 */
export function torchEnv(): Record<string, string> {
  const core = bestOpenblasCore()
  return { ...MALLOC_ENV, ...(core ? { OPENBLAS_CORETYPE: core } : {}) }
}

export function runTorchVisionBench(config: TorchBenchConfig): TorchResult {
  const found = findTorchPython()
  if ('reason' in found) return { ok: false, ...found }
  const env = torchEnv()
  const args = JSON.stringify({ ...config, fairGflops: FAIR_GFLOPS })
  const r = spawnSync(found.python, ['-c', TORCH_SCRIPT, args], { encoding: 'utf8', timeout: 900_000, env: { ...process.env, ...env } })
  if (r.status !== 0) {
    const why = r.signal ? `killed by ${r.signal}${r.signal === 'SIGILL' ? ` (OPENBLAS_CORETYPE=${env.OPENBLAS_CORETYPE} needs instructions this CPU lacks)` : r.signal === 'SIGTERM' ? ' after 900 s' : ''}` : (r.stderr || r.error?.message || '').trim().split('\n').slice(-2).join(' ')
    return { ok: false, reason: `the PyTorch script failed: ${why}`, short: 'the PyTorch script failed, see the log' }
  }
  try {
    return { ok: true, figures: JSON.parse(r.stdout.trim().split('\n').pop()!) as TorchFigures, env }
  } catch {
    return { ok: false, reason: `unreadable PyTorch output: ${r.stdout.slice(0, 200)}`, short: 'unreadable PyTorch output, see the log' }
  }
}

/** One line on the baseline's BLAS: library, kernel, threads, probe rate, and whether it is fair. */
export function describeTorchBlas(t: TorchFigures): string {
  const b = t.blas
  if (t.device !== 'cpu') return `PyTorch ${t.version} on ${t.device}`
  const lib = `${b.api}${b.version ? ' ' + b.version : ''} (${b.library ?? 'library not found'}; torch BLAS_INFO=${b.configBlas ?? '?'})`
  const kernel = b.core ? `, kernel ${b.core}${b.coreType ? ` (OPENBLAS_CORETYPE=${b.coreType})` : ''}` : ''
  const threads = `torch ${t.threads} threads${b.blasThreads !== null ? `, BLAS ${b.blasThreads} threads` : ''}`
  const probe = `matmul probe ${b.probeGflops.toFixed(1)} GFLOP/s`
  return `PyTorch ${t.version} BLAS: ${lib}${kernel}; ${threads}; ${probe}${t.fair ? '' : ` < ${FAIR_GFLOPS}: NOT a fair baseline, no ratio claimed (${fairBaselineHint(t)})`}`
}

/** How to get a fair baseline, given what was found. */
export function fairBaselineHint(t: TorchFigures): string {
  if (['openblas', 'mkl', 'blis'].includes(t.blas.api)) return `${t.blas.api} is loaded but slow here: the machine is probably busy (see the load average); rerun when it is idle`
  return 'PyTorch runs on a slow BLAS (python3-torch alone brings the reference libblas3): apt-get install libopenblas0-pthread'
}
