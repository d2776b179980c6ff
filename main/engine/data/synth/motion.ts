import type { FrameState, SynthMotion, VideoParams } from './types'

/** The motions as forward/backward pairs: each backward motion is its forward motion played in reverse. */
export const MOTION_PAIRS: readonly [SynthMotion, SynthMotion][] = [
  ['sliding right', 'sliding left'],
  ['sliding down', 'sliding up'],
  ['growing', 'shrinking'],
  ['appearing', 'vanishing'],
]

type Axis = 'x' | 'y' | 'size' | 'opacity'

const FORWARD: Record<string, Axis> = { 'sliding right': 'x', 'sliding down': 'y', growing: 'size', appearing: 'opacity' }

/** The motion that is `motion` played backwards ("sliding right" ↔ "sliding left"). */
export function twinMotion(motion: SynthMotion): SynthMotion {
  for (const [fwd, back] of MOTION_PAIRS) {
    if (motion === fwd) return back
    if (motion === back) return fwd
  }
  throw new RangeError(`unknown motion "${motion}"`)
}

/** The moving axis of a motion and whether it runs backwards (right→left etc.). */
export function motionAxis(motion: SynthMotion): { axis: Axis; reversed: boolean } {
  for (const [fwd, back] of MOTION_PAIRS) {
    if (motion === fwd) return { axis: FORWARD[fwd]!, reversed: false }
    if (motion === back) return { axis: FORWARD[fwd]!, reversed: true }
  }
  throw new RangeError(`unknown motion "${motion}"`)
}

/** The range the moving coordinate spans for an axis (before per-video jitter). */
export function axisRange(axis: Axis): [number, number] {
  if (axis === 'size') return [0.12, 0.5]
  if (axis === 'opacity') return [0, 1]
  return [0.2, 0.8]
}

/** The object's state at time `t` ∈ [0, 1]; a reversed motion at t equals its forward motion at 1 − t. */
export function stateAt(motion: SynthMotion, params: VideoParams, t: number): FrameState {
  const { axis, reversed } = motionAxis(motion)
  const u = reversed ? 1 - t : t
  const v = params.from + (params.to - params.from) * u
  const s: FrameState = { x: params.x, y: params.y, size: params.size, opacity: 1 }
  s[axis] = v
  return s
}

/**
 * How a motion reads as an ordered sequence of static states (start, middle, end), for temporal
 * prompts such as "starting at the left, then in the middle, then at the right".
 */
export function motionStates(motion: SynthMotion): [string, string, string] {
  const table: Record<SynthMotion, [string, string, string]> = {
    'sliding right': ['at the left', 'in the middle', 'at the right'],
    'sliding left': ['at the right', 'in the middle', 'at the left'],
    'sliding down': ['at the top', 'in the middle', 'at the bottom'],
    'sliding up': ['at the bottom', 'in the middle', 'at the top'],
    growing: ['small', 'medium', 'large'],
    shrinking: ['large', 'medium', 'small'],
    appearing: ['invisible', 'faint', 'fully visible'],
    vanishing: ['fully visible', 'faint', 'invisible'],
  }
  return table[motion]
}
