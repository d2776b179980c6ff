import { stateAt, axisRange, motionAxis } from './motion'
import type { Rng } from '../../util/random'
import type { FrameState, SynthColour, SynthComposition, SynthObject, SynthScene, VideoParams } from './types'

export const COLOUR_RGB: Record<SynthColour, [number, number, number]> = { red: [220, 40, 40], blue: [40, 90, 230], yellow: [245, 215, 35] }

/** Sky (top) and ground (bottom) colours of each scene, and its detail dots' colour. */
const SCENE_RGB: Record<SynthScene, { sky: [number, number, number]; ground: [number, number, number]; horizon: number; dot: [number, number, number] }> = {
  grass: { sky: [140, 190, 235], ground: [70, 150, 70], horizon: 0.45, dot: [40, 110, 40] },
  night: { sky: [16, 20, 48], ground: [28, 30, 60], horizon: 0.8, dot: [235, 235, 200] },
  snow: { sky: [175, 190, 212], ground: [240, 242, 246], horizon: 0.4, dot: [205, 212, 225] },
}

/** Draws per-video variation from `rng` (the same draws whatever the motion, so a pair shares its distribution). */
export function sampleVideoParams(motion: SynthComposition['motion'], rng: Rng): VideoParams {
  const jitter = (spread: number): number => (rng.random() * 2 - 1) * spread
  const { axis } = motionAxis(motion)
  const [lo, hi] = axisRange(axis)
  const endJitter = axis === 'opacity' ? 0 : axis === 'size' ? 0.03 : 0.05
  const p: VideoParams = {
    x: 0.5 + jitter(0.12),
    y: 0.5 + jitter(0.12),
    from: lo + jitter(endJitter),
    to: hi + jitter(endJitter),
    size: 0.26 + jitter(0.04),
    shade: Math.round(jitter(10)),
    dots: [],
  }
  for (let i = 0; i < 6; i++) p.dots.push([rng.random(), rng.random()])
  return p
}

function inside(object: SynthObject, dx: number, dy: number, r: number): boolean {
  if (object === 'square') return Math.abs(dx) <= r && Math.abs(dy) <= r
  if (object === 'circle') return dx * dx + dy * dy <= r * r
  return dy >= -r && dy <= r && Math.abs(dx) <= (dy + r) / 2 // triangle, apex up
}

const SUB = 3 // 3×3 samples per pixel: anti-aliased edges and sub-pixel motion

/**
 * Every scene is lit from the left: the background brightens by this many levels at the left edge and
 * darkens as much at the right. With the horizon (sky above, ground below), where a patch lies shows in
 * what it holds along both axes, as in real backgrounds; a uniform backdrop left a horizontal position to
 * the position embeddings alone, and a 3-layer CLIP barely reads it from them.
 */
export const SCENE_LIGHT = 30

/** Renders one `size`×`size` RGB frame into `out` at `offset`. */
export function renderFrame(comp: SynthComposition, state: FrameState, params: VideoParams, size: number, out: Uint8Array, offset = 0): void {
  const scene = SCENE_RGB[comp.scene]
  const colour = COLOUR_RGB[comp.colour]
  const r = state.size / 2
  const dotSet = new Set(params.dots.map(([dx, dy]) => Math.floor(dy * size) * size + Math.floor(dx * size)))
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      const ground = (py + 0.5) / size >= scene.horizon
      let bg = ground ? scene.ground : scene.sky
      if (dotSet.has(py * size + px)) bg = scene.dot
      let cover = 0
      if (state.opacity > 0) {
        for (let sy = 0; sy < SUB; sy++) {
          for (let sx = 0; sx < SUB; sx++) {
            const fx = (px + (sx + 0.5) / SUB) / size
            const fy = (py + (sy + 0.5) / SUB) / size
            if (inside(comp.object, fx - state.x, fy - state.y, r)) cover++
          }
        }
      }
      const a = (cover / (SUB * SUB)) * state.opacity
      const o = offset + (py * size + px) * 3
      const light = Math.round(SCENE_LIGHT * (1 - (2 * (px + 0.5)) / size))
      for (let c = 0; c < 3; c++) {
        const back = Math.min(255, Math.max(0, bg[c]! + params.shade + light))
        out[o + c] = Math.round(back * (1 - a) + colour[c]! * a)
      }
    }
  }
}

/** The object's state in each of `frames` frames (t = f/(frames − 1)). */
export function videoStates(motion: SynthComposition['motion'], params: VideoParams, frames: number): FrameState[] {
  return Array.from({ length: frames }, (_, f) => stateAt(motion, params, frames > 1 ? f / (frames - 1) : 0))
}
