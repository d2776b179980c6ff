import { spawnSync } from 'node:child_process'

/**
 * The PyTorch CUDA side of the gpu bench, in a Python child process (python3 on PATH; installs
 * nothing): fp32 with TF32 off, the same shapes as the WebGPU rows. Where torch or CUDA is missing it
 * says why and the bench claims no ratio.
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

export interface TorchGpuFigures {
  torch: string
  device: string
  matmulMs: number
  blockForwardMs: number
  blockForwardBackwardMs: number
  /** Proxy of a training step: a teacher forward of `layers` CLIP blocks, a student forward+backward, AdamW. */
  stepProxyMs: number
}

export type TorchGpuResult = { ok: true; figures: TorchGpuFigures } | { ok: false; reason: string }

const SCRIPT = String.raw`
import json, sys, time
cfg = json.loads(sys.argv[1])
try:
    import torch
    import torch.nn as nn
except Exception as e:
    print(json.dumps({"ok": False, "reason": "PyTorch is not installed (%s)" % e})); sys.exit(0)
if not torch.cuda.is_available():
    print(json.dumps({"ok": False, "reason": "PyTorch %s sees no CUDA device" % torch.__version__})); sys.exit(0)
torch.backends.cuda.matmul.allow_tf32 = False
torch.backends.cudnn.allow_tf32 = False
dev = "cuda"
def timed(f, reps):
    f(); torch.cuda.synchronize()
    ts = []
    for _ in range(reps):
        torch.cuda.synchronize(); t = time.perf_counter(); f(); torch.cuda.synchronize(); ts.append((time.perf_counter() - t) * 1000)
    ts.sort(); return ts[len(ts) // 2]
W, H, I = cfg["width"], cfg["heads"], cfg["intermediate"]
class Block(nn.Module):
    # transformers' CLIPEncoderLayer: pre-norm, eager attention, quick_gelu
    def __init__(self):
        super().__init__()
        self.ln1, self.ln2 = nn.LayerNorm(W), nn.LayerNorm(W)
        self.q, self.k, self.v, self.o = (nn.Linear(W, W) for _ in range(4))
        self.fc1, self.fc2 = nn.Linear(W, I), nn.Linear(I, W)
    def forward(self, x):
        b, l, _ = x.shape
        h = self.ln1(x)
        split = lambda t: t.view(b, l, H, W // H).transpose(1, 2)
        q, k, v = split(self.q(h) * (W // H) ** -0.5), split(self.k(h)), split(self.v(h))
        p = torch.softmax(q @ k.transpose(-1, -2), dim=-1)
        x = x + self.o((p @ v).transpose(1, 2).reshape(b, l, W))
        h = self.fc1(self.ln2(x))
        return x + self.fc2(h * torch.sigmoid(1.702 * h))
n = cfg["n"]
a, b = torch.randn(n, n, device=dev), torch.randn(n, n, device=dev)
matmul = timed(lambda: a @ b, 10)
block = Block().to(dev)
x = torch.randn(cfg["frames"], cfg["tokens"], W, device=dev, requires_grad=True)
def fwd():
    with torch.no_grad(): block(x)
fwd_ms = timed(fwd, 20)
fwdbwd_ms = timed(lambda: block(x).sum().backward(), 20)
teacher = nn.Sequential(*[Block() for _ in range(cfg["layers"])]).to(dev)
student = nn.Sequential(*[Block() for _ in range(cfg["layers"])]).to(dev)
opt = torch.optim.AdamW(student.parameters(), lr=1e-5)
x0 = torch.randn(cfg["frames"], cfg["tokens"], W, device=dev)
def step():
    with torch.no_grad(): teacher(x0)
    student(x0).sum().backward(); opt.step(); opt.zero_grad(set_to_none=True)
step_ms = timed(step, 5)
print(json.dumps({"ok": True, "figures": {"torch": torch.__version__, "device": torch.cuda.get_device_name(0), "matmulMs": matmul,
    "blockForwardMs": fwd_ms, "blockForwardBackwardMs": fwdbwd_ms, "stepProxyMs": step_ms}}))
`

export function runTorchGpu(cfg: TorchGpuConfig, timeoutMs = 300_000): TorchGpuResult {
  const r = spawnSync('python3', ['-c', SCRIPT, JSON.stringify(cfg)], { encoding: 'utf8', timeout: timeoutMs })
  if (r.error) return { ok: false, reason: `python3: ${r.error.message}` }
  const last = r.stdout.trim().split('\n').pop() ?? ''
  try {
    return JSON.parse(last) as TorchGpuResult
  } catch {
    return { ok: false, reason: `the PyTorch script failed (exit ${r.status}): ${r.stderr.trim().split('\n').slice(-2).join(' ').slice(0, 300)}` }
  }
}
