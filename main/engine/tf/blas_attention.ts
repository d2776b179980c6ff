import * as tf from '@tensorflow/tfjs'
import { customOp } from './custom_grad'
import { activeGemmAddon } from './gemm'
import type { GemmAddon } from './gemm_addon'
import type { WasmBackend, WasmTensorInfo } from './wasm_heap'

/**
 * Multi-head scaled dot-product attention in one native call on the BLAS provider
 * (native/gemm/attention.c), forward and backward: the heads are column blocks of q/k/v read in
 * place, so no head is split out or merged back, and the softmax runs on every core. attention.ts
 * uses it when the BLAS provider is active and no mask is given.
 */

const FORWARD = 'StddBlasAttention'
const BACKWARD = 'StddBlasAttentionGrad'

type KernelArgs = { inputs: Record<string, WasmTensorInfo>; attrs: Record<string, unknown>; backend: WasmBackend }

function dims(q: WasmTensorInfo, k: WasmTensorInfo, heads: number): { b: number; lq: number; lk: number; d: number; dh: number; scale: number } {
  const [b, lq, d] = q.shape as [number, number, number]
  const dh = d / heads
  return { b, lq, lk: k.shape[1]!, d, dh, scale: 1 / Math.sqrt(dh) }
}

function register(addon: GemmAddon): void {
  if (tf.getKernel(FORWARD, 'wasm')) return
  const forward = ({ inputs: { q, k, v }, attrs, backend }: KernelArgs): WasmTensorInfo[] => {
    const heads = attrs.heads as number
    const { b, lq, lk, d, dh, scale } = dims(q!, k!, heads)
    const out = backend.makeOutput([b, lq, d], 'float32')
    const probs = backend.makeOutput([b * heads, lq, lk], 'float32')
    // makeOutput may grow the heap, which detaches older views: take them afterwards.
    const view = (t: WasmTensorInfo): Float32Array => backend.typedArrayFromHeap(t) as Float32Array
    addon.attentionForward(b, heads, lq, lk, dh, scale, view(q!), view(k!), view(v!), view(probs), view(out))
    return [out, probs]
  }
  const backward = ({ inputs: { q, k, v, probs, dy }, attrs, backend }: KernelArgs): WasmTensorInfo[] => {
    const heads = attrs.heads as number
    const { b, lq, lk, dh, scale } = dims(q!, k!, heads)
    const [dq, dk, dv] = [q!, k!, v!].map((t) => backend.makeOutput(t.shape, 'float32')) as [WasmTensorInfo, WasmTensorInfo, WasmTensorInfo]
    const view = (t: WasmTensorInfo): Float32Array => backend.typedArrayFromHeap(t) as Float32Array
    addon.attentionBackward(b, heads, lq, lk, dh, scale, view(q!), view(k!), view(v!), view(probs!), view(dy!), view(dq), view(dk), view(dv))
    return [dq, dk, dv]
  }
  tf.registerKernel({ kernelName: FORWARD, backendName: 'wasm', kernelFunc: forward as unknown as tf.KernelFunc })
  tf.registerKernel({ kernelName: BACKWARD, backendName: 'wasm', kernelFunc: backward as unknown as tf.KernelFunc })
}

/** Whether {@link blasAttention} can run now (the BLAS provider is active on the WASM backend). */
export function canUseBlasAttention(): boolean {
  return activeGemmAddon() !== null
}

/**
 * softmax((q_h·k_hᵀ)/√Dh)·v_h for each head h (a column block of D = heads·Dh), for float32 `q`
 * [B, Lq, D] and `k`, `v` [B, Lk, D] whose shapes the caller has checked: `out` [B, Lq, D],
 * differentiable, and the probabilities `probs` [B·H, Lq, Lk], an observation that carries no
 * gradient (the caller disposes it).
 */
export function blasAttention(q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D, heads: number): { out: tf.Tensor3D; probs: tf.Tensor3D } {
  const addon = activeGemmAddon()
  if (!addon) throw new Error('blasAttention: the BLAS provider is not active (see canUseBlasAttention)')
  if ([q, k, v].some((t) => t.dtype !== 'float32')) throw new Error(`blasAttention: q, k and v must be float32, got ${[q, k, v].map((t) => t.dtype).join(', ')}`)
  register(addon)
  let probs: tf.Tensor | null = null
  const out = customOp(([sq, sk, sv], save) => {
    const [o, p] = tf.engine().runKernel(FORWARD, { q: sq!, k: sk!, v: sv! }, { heads }) as tf.Tensor[]
    save([sq!, sk!, sv!, p!])
    probs = tf.keep(p!) // leaves the op's own scope; the caller's to dispose
    return {
      value: o!,
      gradFunc: (dy, saved) => {
        const [gq, gk, gv, gp] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor]
        return tf.engine().runKernel(BACKWARD, { q: gq, k: gk, v: gv, probs: gp, dy }, { heads }) as tf.Tensor[]
      },
    }
  })(q, k, v) as tf.Tensor3D
  return { out, probs: probs! as tf.Tensor3D }
}
