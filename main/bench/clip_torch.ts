import { spawnSync } from 'node:child_process'

/**
 * The PyTorch side of the CLIP bench: the same ViT-B/16 vision tower (transformers' CLIP layout,
 * quick_gelu, eager attention) with random weights, timed in a Python child process. Found through
 * `python3` on PATH, then Debian's `/usr/bin/python3` (where `apt install python3-torch` puts it).
 * On a CUDA machine (when the tfjs backend is a GPU one) it runs on the GPU.
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
}

export interface TorchFigures {
  version: string
  device: string
  threads: number
  forwardMs: number
  backwardMs: number
  /** Peak process RSS (CPU) or peak CUDA allocation, MB. */
  peakMb: number
}

export type TorchResult = { ok: true; figures: TorchFigures } | { ok: false; reason: string; short: string }

// glibc malloc tunables: without them PyTorch's CPU timings are 1.3–1.8× slower and erratic in this
// VM (fresh pages cost 11.5 µs each; backend-measurements.md §6).
const MALLOC_ENV = { MALLOC_MMAP_THRESHOLD_: '33554432', MALLOC_TRIM_THRESHOLD_: '17179869184', MALLOC_TOP_PAD_: '268435456' }

export const TORCH_SCRIPT = String.raw`
import json, sys, time, resource
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.checkpoint import checkpoint

c = json.loads(sys.argv[1])
dev = 'cuda' if c['gpu'] and torch.cuda.is_available() else 'cpu'
torch.manual_seed(0)
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
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        f()
        times.append((time.perf_counter() - t) * 1e3)
    return min(times)

reps = 3 if dev == 'cuda' else 1
f_ms = best(fwd, reps)
b_ms = best(fwd_bwd, reps)
peak = torch.cuda.max_memory_allocated() / 2**20 if dev == 'cuda' else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({'version': torch.__version__, 'device': dev if dev == 'cpu' else torch.cuda.get_device_name(0), 'threads': torch.get_num_threads(), 'forwardMs': f_ms, 'backwardMs': b_ms, 'peakMb': round(peak)}))
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

export function runTorchVisionBench(config: TorchBenchConfig): TorchResult {
  const found = findTorchPython()
  if ('reason' in found) return { ok: false, ...found }
  const r = spawnSync(found.python, ['-c', TORCH_SCRIPT, JSON.stringify(config)], { encoding: 'utf8', timeout: 900_000, env: { ...process.env, ...MALLOC_ENV } })
  if (r.status !== 0) return { ok: false, reason: `the PyTorch script failed: ${(r.stderr || r.error?.message || '').trim().split('\n').slice(-2).join(' ')}`, short: 'the PyTorch script failed, see the log' }
  try {
    return { ok: true, figures: JSON.parse(r.stdout.trim().split('\n').pop()!) as TorchFigures }
  } catch {
    return { ok: false, reason: `unreadable PyTorch output: ${r.stdout.slice(0, 200)}`, short: 'unreadable PyTorch output, see the log' }
  }
}
