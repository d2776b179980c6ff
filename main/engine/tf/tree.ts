import * as tf from '@tensorflow/tfjs'

/**
 * Nested weight objects keyed like Hugging Face state-dict names: `self_attn.q_proj.weight` lives at
 * `w.self_attn.q_proj.weight`, and numeric segments are array indices (`encoder.layers.3…`).
 */
export type WeightTree = tf.Tensor | WeightTree[] | { [key: string]: WeightTree | undefined }

/** Builds the nested object from flat dotted names. */
export function nestWeights<T>(flat: ReadonlyMap<string, tf.Tensor> | Record<string, tf.Tensor>): T {
  const root: Record<string, unknown> = {}
  const entries = flat instanceof Map ? [...flat.entries()] : Object.entries(flat)
  for (const [name, tensor] of entries) {
    const parts = name.split('.')
    let node: Record<string, unknown> | unknown[] = root
    parts.forEach((part: string, i: number) => {
      const key = /^\d+$/.test(part) ? Number(part) : part
      const last = i === parts.length - 1
      const container = node as Record<string | number, unknown>
      if (last) {
        if (container[key] !== undefined) throw new Error(`weights: "${name}" is given twice or clashes with a longer name`)
        container[key] = tensor
        return
      }
      if (container[key] === undefined) container[key] = /^\d+$/.test(parts[i + 1]!) ? [] : {}
      node = container[key] as Record<string, unknown>
    })
  }
  return root as T
}

/** The flat dotted names and tensors of a nested weight object, in key order. */
export function flattenWeights(tree: WeightTree | undefined, prefix = ''): [string, tf.Tensor][] {
  if (tree === undefined) return []
  if (tree instanceof tf.Tensor) return [[prefix, tree]]
  const entries: [string, WeightTree | undefined][] = Array.isArray(tree) ? tree.map((v, i) => [String(i), v]) : Object.entries(tree)
  return entries.flatMap(([k, v]) => flattenWeights(v, prefix ? `${prefix}.${k}` : k))
}

/** A copy of `tree` with its tensors replaced, in {@link flattenWeights} order, by `tensors`. */
export function replaceWeights<T extends WeightTree>(tree: T, tensors: readonly tf.Tensor[]): T {
  let i = 0
  const walk = (node: WeightTree | undefined): WeightTree | undefined => {
    if (node === undefined) return undefined
    if (node instanceof tf.Tensor) {
      const t = tensors[i++]
      if (!t) throw new Error(`replaceWeights: only ${tensors.length} tensors for a tree with more`)
      return t
    }
    if (Array.isArray(node)) return node.map(walk) as WeightTree[]
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v)])) as WeightTree
  }
  const out = walk(tree) as T
  if (i !== tensors.length) throw new Error(`replaceWeights: ${tensors.length} tensors for a tree of ${i}`)
  return out
}
