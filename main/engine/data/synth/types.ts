/**
 * SynthMotion: the built-in world of moving shapes (docs/architecture.md, SynthMotion). These types are what the knowledge-graph
 * and tiny-CLIP code consume: each class's composition, and a static caption for every frame.
 */
export const SYNTH_OBJECTS = ['square', 'circle', 'triangle'] as const
export const SYNTH_COLOURS = ['red', 'blue', 'yellow'] as const
export const SYNTH_SCENES = ['grass', 'night', 'snow'] as const
export const SYNTH_MOTIONS = ['sliding right', 'sliding left', 'sliding down', 'sliding up', 'growing', 'shrinking', 'appearing', 'vanishing'] as const

export type SynthObject = (typeof SYNTH_OBJECTS)[number]
export type SynthColour = (typeof SYNTH_COLOURS)[number]
export type SynthScene = (typeof SYNTH_SCENES)[number]
export type SynthMotion = (typeof SYNTH_MOTIONS)[number]

/** What a class is made of: object × colour × motion × scene. */
export interface SynthComposition {
  object: SynthObject
  colour: SynthColour
  motion: SynthMotion
  scene: SynthScene
}

export interface SynthClass {
  /** Index in the world's class list (= label in a written data set's classInd order, minus 1). */
  index: number
  /** Display name, as the UCF101 adapter reads it back: "Red Square Sliding Left On Grass". */
  name: string
  /** CamelCase folder name: "RedSquareSlidingLeftOnGrass". */
  folder: string
  /** Lower-case phrase for prompts: "a red square sliding left on grass". */
  phrase: string
  composition: SynthComposition
  /** The class whose videos are these videos played backwards (same object, colour and scene). */
  reverseIndex: number
  /** Whether the class is in the seen (training) part of the zero-shot split. */
  seen: boolean
}

export interface SynthWorld {
  seed: number
  classes: SynthClass[]
  /** Class indices for training (seen compositions) and zero-shot evaluation (unseen compositions). */
  seen: number[]
  unseen: number[]
}

/** The object's state in one frame; coordinates are fractions of the frame side (0 = left/top). */
export interface FrameState {
  x: number
  y: number
  /** Side (square, triangle) or diameter (circle) as a fraction of the frame side. */
  size: number
  /** 0 = invisible, 1 = opaque. */
  opacity: number
}

export type HorizontalPlace = 'left' | 'center' | 'right'
export type VerticalPlace = 'top' | 'middle' | 'bottom'
export type SizeWord = 'small' | 'medium' | 'large'
export type Visibility = 'hidden' | 'faint' | 'visible'

/** A static description of one frame (no motion), for pretraining a tiny CLIP on single frames. */
export interface FrameCaption {
  object: SynthObject
  colour: SynthColour
  scene: SynthScene
  horizontal: HorizontalPlace
  vertical: VerticalPlace
  size: SizeWord
  visibility: Visibility
  /** e.g. "a small red square at the left on grass", or "an empty scene on grass" when hidden. */
  text: string
  /** Set on a keyframe caption, which names the motion instead of the static state ("a red square sliding right on grass"). */
  motion?: SynthMotion
}

/** Per-video variation (position, extent of the motion, size, background details), drawn from the video's seed. */
export interface VideoParams {
  /** Resting position of the centre. */
  x: number
  y: number
  /** Start and end of the moving coordinate (position, size or opacity) for the forward motion. */
  from: number
  to: number
  /** Size while not growing/shrinking. */
  size: number
  /** Background brightness offset, in levels. */
  shade: number
  /** Scene details (stars at night, tufts on grass, flakes on snow) at these frame fractions. */
  dots: [number, number][]
}
