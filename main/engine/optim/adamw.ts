import * as tf from '@tensorflow/tfjs'
import { addMany } from '../tf/add_many'
import { FlatAdamW } from '../tf/webgpu/adamw'
import { refreshPackedWeights } from '../tf/webgpu/packed_weights'
import { engineKernelsActive } from '../tf/webgpu/install'

/**
 * AdamW as PyTorch's `torch.optim.AdamW` (decoupled weight decay, then the bias-corrected Adam step),
 * with the released recipe's decay rule (docs/method.md §2): weight decay on every parameter except the
 * 1-D ones (biases, LayerNorm, class embedding); the 0-D logit scale is decayed. Optional clipping of
 * the global gradient L2 norm first (`SOLVER.CLIP_GRAD_L2NORM` 1.0).
 *
 * With the engine's WebGPU kernels the moments live in flat buffers and a step is one dispatch over
 * all variables (tf/webgpu/adamw.ts); elsewhere each variable is updated with tfjs ops.
 */

export interface AdamWOptions {
  lr: number
  beta1?: number
  beta2?: number
  eps?: number
  weightDecay?: number
  /** Clip the global gradient norm to this value first (none when absent). */
  clipNorm?: number
}

/** A variable's moments, kept per variable (the tfjs-ops path). */
interface VariableState {
  m: tf.Variable
  v: tf.Variable
}

/** One variable's moments as plain tensors (a checkpoint's), with the updates it has had. */
export interface VariableMoments {
  m: tf.Tensor
  v: tf.Tensor
  step: number
}

export class AdamW {
  /** Per variable, the updates it has had (PyTorch's per-parameter `state['step']`); absent before its first. */
  private readonly steps = new Map<tf.Variable, number>()
  /** The moments: per variable, or flat on WebGPU — never both. */
  private readonly moments = new Map<tf.Variable, VariableState>()
  private flat: FlatAdamW | null = null
  /** What {@link exportState} sliced out of the flat moments, held until the next step or export. */
  private exported: tf.Tensor[] = []
  private t = 0
  lr: number
  private readonly beta1: number
  private readonly beta2: number
  private readonly eps: number
  private readonly weightDecay: number
  private readonly clipNorm: number | undefined

  constructor(opts: AdamWOptions) {
    this.lr = opts.lr
    this.beta1 = opts.beta1 ?? 0.9
    this.beta2 = opts.beta2 ?? 0.999
    this.eps = opts.eps ?? 1e-8
    this.weightDecay = opts.weightDecay ?? 0.01
    this.clipNorm = opts.clipNorm
  }

  /** Decay applied to `v` under the recipe: none for 1-D parameters. */
  decayOf(v: tf.Variable): number {
    return v.rank === 1 ? 0 : this.weightDecay
  }

  /**
   * One update of `vars` with `grads` (same order). A null gradient skips its variable as PyTorch
   * skips a parameter whose `.grad` is None: no decay, no moment update, and its own step count
   * (the bias correction) does not advance.
   * Returns the gradient norm before clipping as a scalar tensor (the caller disposes it). Nothing is
   * read back to the CPU: clipping scales by min(1, clipNorm / (norm + 1e-6)) on the device, as
   * `torch.nn.utils.clip_grad_norm_`, so a GPU step never waits for a read.
   */
  step(vars: readonly tf.Variable[], grads: readonly (tf.Tensor | null)[]): tf.Scalar {
    if (vars.length !== grads.length) throw new Error(`AdamW.step: ${vars.length} variables but ${grads.length} gradients`)
    this.t++
    this.releaseExported()
    const corrections = vars.map((p, i) => {
      if (!grads[i]) return { c1: 1, c2: 1 }
      const step = (this.steps.get(p) ?? 0) + 1
      this.steps.set(p, step)
      return { c1: 1 - this.beta1 ** step, c2: 1 - this.beta2 ** step }
    })
    if (engineKernelsActive() && [...vars, ...grads].every((t) => !t || t.dtype === 'float32')) return this.flatStep(vars, grads, corrections)
    this.unflatten()
    const present = grads.filter((g): g is tf.Tensor => g !== null)
    const norm = tf.tidy(() => (present.length ? tf.sqrt(addMany(present.map((g) => tf.sum(tf.square(g))))) : tf.scalar(0))) as tf.Scalar
    const clipNorm = this.clipNorm
    const scale = clipNorm === undefined ? null : tf.tidy(() => tf.minimum(1, tf.div(clipNorm, tf.add(norm, 1e-6))))
    vars.forEach((p, i) => {
      const g0 = grads[i]
      if (!g0) return
      let state = this.moments.get(p)
      if (!state) {
        state = tf.tidy(() => ({ m: tf.variable(tf.zerosLike(p), false), v: tf.variable(tf.zerosLike(p), false) }))
        this.moments.set(p, state)
      }
      const { m, v } = state
      const { c1, c2 } = corrections[i]!
      tf.tidy(() => {
        const g = scale ? tf.mul(g0, scale) : g0
        const decay = this.decayOf(p)
        const decayed = decay ? tf.mul(p, 1 - this.lr * decay) : p
        m.assign(tf.add(tf.mul(m, this.beta1), tf.mul(g, 1 - this.beta1)))
        v.assign(tf.add(tf.mul(v, this.beta2), tf.mul(tf.square(g), 1 - this.beta2)))
        const update = tf.div(tf.div(m, c1), tf.add(tf.sqrt(tf.div(v, c2)), this.eps))
        p.assign(tf.sub(decayed, tf.mul(update, this.lr)))
      })
    })
    scale?.dispose()
    return norm
  }

  /** The same update on WebGPU: one dispatch over all variables, moments in flat buffers. */
  private flatStep(vars: readonly tf.Variable[], grads: readonly (tf.Tensor | null)[], corrections: { c1: number; c2: number }[]): tf.Scalar {
    if (!this.flat?.covers(vars)) {
      const known = this.flat ? this.flat.members.filter((v) => !v.isDisposed) : []
      this.unflatten()
      const laidOut = [...known, ...vars.filter((v) => !known.includes(v))]
      this.flat = new FlatAdamW(laidOut, (p) => {
        const s = this.moments.get(p)
        return s ? [s.m, s.v] : null
      })
      this.disposePerVariable()
    }
    const perVar = vars.map((p, i) => ({ grad: grads[i] ?? null, decay: this.decayOf(p), ...corrections[i]! }))
    const { norm, updated } = this.flat.step(vars, perVar, { lr: this.lr, beta1: this.beta1, beta2: this.beta2, eps: this.eps, clipNorm: this.clipNorm })
    updated.forEach((next, i) => {
      if (!next) return
      vars[i]!.assign(next)
      next.dispose()
    })
    refreshPackedWeights() // the f16 copies the products read (f16 storage) follow the updated masters
    return norm
  }

  /** Moves flat moments (if any) back to per-variable ones. */
  private unflatten(): void {
    const flat = this.flat
    if (!flat) return
    for (const p of flat.members) {
      if (!this.steps.has(p)) continue
      const [m, v] = flat.momentsOf(p)
      this.moments.set(p, { m: tf.variable(m, false), v: tf.variable(v, false) })
      tf.dispose([m, v])
    }
    flat.dispose()
    this.flat = null
  }

  private disposePerVariable(): void {
    for (const { m, v } of this.moments.values()) tf.dispose([m, v])
    this.moments.clear()
  }

  private releaseExported(): void {
    tf.dispose(this.exported)
    this.exported = []
  }

  /** Calls of {@link step} so far. */
  get stepCount(): number {
    return this.t
  }

  /**
   * The step count and each variable's moments and own step count (null before its first update), for
   * a checkpoint. The tensors stay the optimizer's: valid until its next step, export or dispose.
   */
  exportState(vars: readonly tf.Variable[]): { step: number; moments: (VariableMoments | null)[] } {
    this.releaseExported()
    const moments = vars.map((p): VariableMoments | null => {
      const step = this.steps.get(p)
      if (step === undefined) return null
      if (this.flat) {
        const [m, v] = this.flat.momentsOf(p)
        this.exported.push(m, v)
        return { m, v, step }
      }
      const s = this.moments.get(p)!
      return { m: s.m, v: s.v, step }
    })
    return { step: this.t, moments }
  }

  /** Restores {@link exportState}'s output (the variables share the given tensors' data; the caller still disposes its tensors). */
  loadState(vars: readonly tf.Variable[], step: number, moments: readonly (VariableMoments | null)[]): void {
    if (vars.length !== moments.length) throw new Error(`AdamW.loadState: ${vars.length} variables but ${moments.length} moment pairs`)
    this.dispose()
    this.t = step
    vars.forEach((p, i) => {
      const mv = moments[i]
      if (!mv) return
      if (mv.m.shape.join() !== p.shape.join()) throw new Error(`AdamW.loadState: moments of shape [${mv.m.shape}] for a variable of shape [${p.shape}]`)
      this.moments.set(p, { m: tf.variable(mv.m, false), v: tf.variable(mv.v, false) })
      this.steps.set(p, mv.step)
    })
  }

  dispose(): void {
    this.releaseExported()
    this.disposePerVariable()
    this.flat?.dispose()
    this.flat = null
    this.steps.clear()
  }
}
