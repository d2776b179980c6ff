/**
 * Elementwise activations applied in a kernel's epilogue, as WGSL on a vec4 `v`, matching
 * activations.ts (`gelu` is the exact erf form: erf by Abramowitz–Stegun 7.1.26, |error| ≤ 1.5e-7).
 */
export const EPILOGUE_ACTIVATIONS = ['linear', 'relu', 'gelu', 'quick_gelu', 'gelu_tanh'] as const
export type EpilogueActivation = (typeof EPILOGUE_ACTIVATIONS)[number]

export const ERF_WGSL = /* wgsl */ `
fn erf4(x: vec4<f32>) -> vec4<f32> {
  let s = sign(x);
  let a = abs(x);
  let t = 1.0 / (1.0 + 0.3275911 * a);
  let y = 1.0 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * exp(-a * a);
  return s * y;
}`

/** WGSL expression of `act` applied to the vec4 named `v`. */
export function activationWgsl(act: EpilogueActivation): string {
  switch (act) {
    case 'linear':
      return 'v'
    case 'relu':
      return 'max(v, vec4<f32>(0.0))'
    case 'gelu':
      return '0.5 * v * (1.0 + erf4(v * 0.7071067811865476))'
    case 'quick_gelu':
      return 'v / (1.0 + exp(-1.702 * v))'
    case 'gelu_tanh':
      return '0.5 * v * (1.0 + tanh(clamp(0.7978845608028654 * (v + 0.044715 * v * v * v), vec4<f32>(-15.0), vec4<f32>(15.0))))'
  }
}
