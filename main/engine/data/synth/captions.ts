import { compositionWords, scenePhrase } from './world'
import type { FrameCaption, FrameState, HorizontalPlace, SizeWord, SynthComposition, VerticalPlace, Visibility } from './types'

export function horizontalPlace(x: number): HorizontalPlace {
  return x < 1 / 3 ? 'left' : x > 2 / 3 ? 'right' : 'center'
}

export function verticalPlace(y: number): VerticalPlace {
  return y < 1 / 3 ? 'top' : y > 2 / 3 ? 'bottom' : 'middle'
}

export function sizeWord(size: number): SizeWord {
  return size < 0.2 ? 'small' : size < 0.34 ? 'medium' : 'large'
}

export function visibility(opacity: number): Visibility {
  return opacity < 0.15 ? 'hidden' : opacity < 0.6 ? 'faint' : 'visible'
}

/** "in the center", "at the left", "at the top", "at the top left", … */
export function placePhrase(h: HorizontalPlace, v: VerticalPlace): string {
  if (v === 'middle') return h === 'center' ? 'in the center' : `at the ${h}`
  return h === 'center' ? `at the ${v}` : `at the ${v} ${h}`
}

/**
 * The caption of a late frame of a motion — a "keyframe" — as CLIP's captions name actions from one
 * still image: "a red square sliding right on grass" (the class phrase). The image shows where the
 * motion ends up (the square at the right), never the motion itself; the attributes stay the frame's.
 */
export function keyframeCaption(comp: SynthComposition, state: FrameState): FrameCaption {
  return { ...captionFrame(comp, state), text: `a ${compositionWords(comp)}`, motion: comp.motion }
}

/** The static caption of one frame: what a single image shows, nothing about motion. */
export function captionFrame(comp: SynthComposition, state: FrameState): FrameCaption {
  const horizontal = horizontalPlace(state.x)
  const vertical = verticalPlace(state.y)
  const size = sizeWord(state.size)
  const vis = visibility(state.opacity)
  const where = scenePhrase(comp.scene)
  const text = vis === 'hidden' ? `an empty scene ${where}` : `a ${size} ${vis === 'faint' ? 'faint ' : ''}${comp.colour} ${comp.object} ${placePhrase(horizontal, vertical)} ${where}`
  return { object: comp.object, colour: comp.colour, scene: comp.scene, horizontal, vertical, size, visibility: vis, text }
}
