import { spawnSync } from 'node:child_process'

/**
 * The PyTorch CUDA side of the gpu bench, in a Python child process (python3 on PATH; installs
 * nothing), on the same shapes as the WebGPU rows, twice: strict fp32 (TF32 off, eager: the like-for-
 * like baseline of the engine's fp32 kernels) and PyTorch at its best (bf16 autocast, TF32, fused
 * scaled_dot_product_attention, the block under torch.compile, fused AdamW). Where torch or CUDA is
 * missing it says why and the bench claims no ratio; where torch.compile fails the best figures are
 * eager and say why. `STDD_BENCH_TORCH=0` skips it (a second WebGPU run on the same machine).
 */

export interface TorchGpuConfig {
  /** matmul n×n·n×n */
  n: number
  frames: number
  tokens: number
  width: number
  heads: number
  intermediate: number
  layers: number
}

export interface TorchTimes {
  matmulMs: number
  blockForwardMs: number
  blockForwardBackwardMs: number
  /** Proxy of a training step: a teacher forward of `layers` CLIP blocks, a student forward+backward, AdamW. */
  stepProxyMs: number
}

export interface TorchGpuFigures extends TorchTimes {
  torch: string
  device: string
  /** bf16 autocast + TF32 + SDPA + torch.compile (block) + fused AdamW, or null where that run failed. */
  best: (TorchTimes & { compiled: boolean; note: string }) | null
}

export type TorchGpuResult = { ok: true; figures: TorchGpuFigures } | { ok: false; reason: string }

const SCRIPT = String.raw`
import json, sys, time
cfg = json.loads(sys.argv[1])
try:
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
except Exception as e:
    print(json.dumps({"ok": False, "reason": "PyTorch is not installed (%s)" % e})); sys.exit(0)
if not torch.cuda.is_available():
    print(json.dumps({"ok": False, "reason": "PyTorch %s sees no CUDA device" % torch.__version__})); sys.exit(0)
dev = "cuda"
def timed(f, reps):
    f(); torch.cuda.synchronize()
    ts = []
    for _ in range(reps):
        torch.cuda.synchronize(); t = time.perf_counter(); f(); torch.cuda.synchronize(); ts.append((time.perf_counter() - t) * 1000)
    ts.sort(); return ts[len(ts) // 2]
W, H, I, L = cfg["width"], cfg["heads"], cfg["intermediate"], cfg["layers"]
class Block(nn.Module):
    # transformers' CLIPEncoderLayer: pre-norm, quick_gelu; eager attention, or fused SDPA (same maths)
    def __init__(self, sdpa):
        super().__init__()
        self.sdpa = sdpa
        self.ln1, self.ln2 = nn.LayerNorm(W), nn.LayerNorm(W)
        self.q, self.k, self.v, self.o = (nn.Linear(W, W) for _ in range(4))
        self.fc1, self.fc2 = nn.Linear(W, I), nn.Linear(I, W)
    def forward(self, x):
        b, l, _ = x.shape
        h = self.ln1(x)
        split = lambda t: t.view(b, l, H, W // H).transpose(1, 2)
        if self.sdpa:
            a = F.scaled_dot_product_attention(split(self.q(h)), split(self.k(h)), split(self.v(h)))
        else:
            q, k, v = split(self.q(h) * (W // H) ** -0.5), split(self.k(h)), split(self.v(h))
            a = torch.softmax(q @ k.transpose(-1, -2), dim=-1) @ v
        x = x + self.o(a.transpose(1, 2).reshape(b, l, W))
        h = self.fc1(self.ln2(x))
        return x + self.fc2(h * torch.sigmoid(1.702 * h))
def run(best):
    torch.backends.cuda.matmul.allow_tf32 = best
    torch.backends.cudnn.allow_tf32 = best
    cast = (lambda: torch.autocast("cuda", dtype=torch.bfloat16)) if best else (lambda: torch.autocast("cuda", enabled=False))
    n = cfg["n"]
    dt = torch.bfloat16 if best else torch.float32
    a, b = torch.randn(n, n, device=dev, dtype=dt), torch.randn(n, n, device=dev, dtype=dt)
    out = {"matmulMs": timed(lambda: a @ b, 10)}
    x = torch.randn(cfg["frames"], cfg["tokens"], W, device=dev, requires_grad=True)
    block = Block(best).to(dev)
    compiled, note = False, "eager"
    if best:
        try:
            cb = torch.compile(block)
            with cast(): cb(x).float().sum().backward()
            with torch.no_grad(), cast(): cb(x)
            block, compiled, note = cb, True, "torch.compile (default mode)"
        except Exception as e:
            note = "torch.compile failed, eager: %s" % str(e).splitlines()[0][:200]
    def fwd():
        with torch.no_grad(), cast(): block(x)
    def fwdbwd():
        with cast(): y = block(x)
        y.float().sum().backward()
    out["blockForwardMs"] = timed(fwd, 20)
    out["blockForwardBackwardMs"] = timed(fwdbwd, 20)
    teacher = nn.Sequential(*[Block(best) for _ in range(L)]).to(dev)
    student = nn.Sequential(*[Block(best) for _ in range(L)]).to(dev)
    opt = torch.optim.AdamW(student.parameters(), lr=1e-5, fused=best)
    x0 = torch.randn(cfg["frames"], cfg["tokens"], W, device=dev)
    def step():
        with torch.no_grad(), cast(): teacher(x0)
        with cast(): y = student(x0)
        y.float().sum().backward(); opt.step(); opt.zero_grad(set_to_none=True)
    out["stepProxyMs"] = timed(step, 5)
    if best: out.update({"compiled": compiled, "note": note + "; bf16 autocast, TF32, SDPA, fused AdamW (step: eager)"})
    return out
figures = {"torch": torch.__version__, "device": torch.cuda.get_device_name(0)}
figures.update(run(False))
try:
    figures["best"] = run(True)
except Exception as e:
    figures["best"] = None
    figures["bestError"] = str(e).splitlines()[0][:300]
print(json.dumps({"ok": True, "figures": figures}))
`

export function runTorchGpu(cfg: TorchGpuConfig, timeoutMs = 300_000): TorchGpuResult {
  if (process.env.STDD_BENCH_TORCH === '0') return { ok: false, reason: 'skipped (STDD_BENCH_TORCH=0)' }
  const r = spawnSync('python3', ['-c', SCRIPT, JSON.stringify(cfg)], { encoding: 'utf8', timeout: timeoutMs })
  if (r.error) return { ok: false, reason: `python3: ${r.error.message}` }
  const last = r.stdout.trim().split('\n').pop() ?? ''
  try {
    return JSON.parse(last) as TorchGpuResult
  } catch {
    return { ok: false, reason: `the PyTorch script failed (exit ${r.status}): ${r.stderr.trim().split('\n').slice(-2).join(' ').slice(0, 300)}` }
  }
}
