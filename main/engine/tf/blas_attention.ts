import * as tf from '@tensorflow/tfjs'
import { customOp } from './custom_grad'
import { activeGemmAddon } from './gemm'
import type { GemmAddon } from './gemm_addon'
import type { WasmBackend, WasmTensorInfo } from './wasm_heap'

/**
 * Multi-head scaled dot-product attention in one native call on the BLAS provider
 * (native/gemm/attention.c), forward and backward: the heads are column blocks of q/k/v read in
 * place, so no head is split out or merged back, and the softmax runs on every core. q, k and v
 * come as three tensors, or packed side by side in one [B, L, 3D] tensor (the STCA branch projects
 * them so), read with a row stride of 3D. attention.ts uses it when the BLAS provider is active and
 * no mask is given.
 */

const FORWARD = 'StddBlasAttention'
const BACKWARD = 'StddBlasAttentionGrad'

type KernelArgs = { inputs: Record<string, WasmTensorInfo>; attrs: Record<string, unknown>; backend: WasmBackend }

/** The q, k, v views (and their row stride) of the kernel's inputs: `q`, `k`, `v`, or `qkv` packed. */
interface Operands {
  b: number
  lq: number
  lk: number
  d: number
  ld: number
  views(backend: WasmBackend, t: Record<string, WasmTensorInfo>): [Float32Array, Float32Array, Float32Array]
}

function operands(inputs: Record<string, WasmTensorInfo>): Operands {
  const view = (backend: WasmBackend, t: WasmTensorInfo): Float32Array => backend.typedArrayFromHeap(t) as Float32Array
  if (inputs.qkv) {
    const [b, l, d3] = inputs.qkv.shape as [number, number, number]
    const d = d3 / 3
    return {
      b, lq: l, lk: l, d, ld: d3,
      views: (backend, t) => {
        const all = view(backend, t.qkv!)
        return [all, all.subarray(d), all.subarray(2 * d)]
      },
    }
  }
  const [b, lq, d] = inputs.q!.shape as [number, number, number]
  return { b, lq, lk: inputs.k!.shape[1]!, d, ld: d, views: (backend, t) => [view(backend, t.q!), view(backend, t.k!), view(backend, t.v!)] }
}

function register(addon: GemmAddon): void {
  if (tf.getKernel(FORWARD, 'wasm')) return
  const forward = ({ inputs, attrs, backend }: KernelArgs): WasmTensorInfo[] => {
    const heads = attrs.heads as number
    const o = operands(inputs)
    const dh = o.d / heads
    const out = backend.makeOutput([o.b, o.lq, o.d], 'float32')
    const probs = backend.makeOutput([o.b * heads, o.lq, o.lk], 'float32')
    // makeOutput may grow the heap, which detaches older views: take them afterwards.
    const [q, k, v] = o.views(backend, inputs)
    const view = (t: WasmTensorInfo): Float32Array => backend.typedArrayFromHeap(t) as Float32Array
    addon.attentionForward(o.b, heads, o.lq, o.lk, dh, 1 / Math.sqrt(dh), o.ld, q, k, v, view(probs), view(out))
    return [out, probs]
  }
  const backward = ({ inputs, attrs, backend }: KernelArgs): WasmTensorInfo[] => {
    const heads = attrs.heads as number
    const { probs, dy, ...qkv } = inputs
    const o = operands(qkv)
    const dh = o.d / heads
    // The gradients in the inputs' layout: one packed tensor, or three.
    const grads = Object.entries(qkv).map(([name, t]) => [name, backend.makeOutput(t.shape, 'float32')] as const)
    const [q, k, v] = o.views(backend, qkv)
    const [dq, dk, dv] = o.views(backend, Object.fromEntries(grads))
    const view = (t: WasmTensorInfo): Float32Array => backend.typedArrayFromHeap(t) as Float32Array
    addon.attentionBackward(o.b, heads, o.lq, o.lk, dh, 1 / Math.sqrt(dh), o.ld, q, k, v, view(probs!), view(dy!), dq, dk, dv)
    return grads.map(([, t]) => t)
  }
  tf.registerKernel({ kernelName: FORWARD, backendName: 'wasm', kernelFunc: forward as unknown as tf.KernelFunc })
  tf.registerKernel({ kernelName: BACKWARD, backendName: 'wasm', kernelFunc: backward as unknown as tf.KernelFunc })
}

/** Whether {@link blasAttention} can run now (the BLAS provider is active on the WASM backend). */
export function canUseBlasAttention(): boolean {
  return activeGemmAddon() !== null
}

export interface BlasAttentionResult {
  /** [B, Lq, D], differentiable with respect to the inputs. */
  out: tf.Tensor3D
  /** [B·H, Lq, Lk]: an observation that carries no gradient; the caller disposes it. */
  probs: tf.Tensor3D
}

function run(names: string[], inputs: tf.Tensor3D[], heads: number): BlasAttentionResult {
  const addon = activeGemmAddon()
  if (!addon) throw new Error('blasAttention: the BLAS provider is not active (see canUseBlasAttention)')
  if (inputs.some((t) => t.dtype !== 'float32')) throw new Error(`blasAttention: ${names.join(', ')} must be float32, got ${inputs.map((t) => t.dtype).join(', ')}`)
  register(addon)
  let probs: tf.Tensor | null = null
  const out = customOp((xs, save) => {
    const named = (ts: tf.Tensor[]): Record<string, tf.Tensor> => Object.fromEntries(names.map((n, i) => [n, ts[i]!]))
    const [o, p] = tf.engine().runKernel(FORWARD, named(xs), { heads }) as tf.Tensor[]
    save([...xs, p!])
    probs = tf.keep(p!) // leaves the op's own scope; the caller's to dispose
    return {
      value: o!,
      gradFunc: (dy, saved) => tf.engine().runKernel(BACKWARD, { ...named(saved), probs: saved[names.length]!, dy }, { heads }) as tf.Tensor[],
    }
  })(...inputs) as tf.Tensor3D
  return { out, probs: probs! as tf.Tensor3D }
}

/**
 * softmax((q_h·k_hᵀ)/√Dh)·v_h for each head h (a column block of D = heads·Dh), for float32 `q`
 * [B, Lq, D] and `k`, `v` [B, Lk, D] whose shapes the caller has checked.
 */
export function blasAttention(q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D, heads: number): BlasAttentionResult {
  return run(['q', 'k', 'v'], [q, k, v], heads)
}

/** {@link blasAttention} of q, k, v packed side by side in `qkv` [B, L, 3D] (self-attention: Lq = Lk = L). */
export function blasPackedAttention(qkv: tf.Tensor3D, heads: number): BlasAttentionResult {
  return run(['qkv'], [qkv], heads)
}
