/**
 * TensorBoard's scalar smoothing: an exponential moving average with the bias correction of Adam.
 * A plain EMA started at 0 drags the first points toward 0; dividing by 1 − wᵗ (t = the number of
 * finite points seen) removes that, so the first smoothed value is the first raw value. Non-finite
 * values pass through unchanged and do not advance the average. Run it on the full series before
 * any downsampling, or the curve depends on the zoom.
 */
export function debiasedEma(values: readonly number[], weight: number): number[] {
  if (!(weight >= 0 && weight < 1)) throw new RangeError(`the smoothing weight must be in [0, 1); got ${weight}`)
  let last = 0
  let seen = 0
  return values.map((y) => {
    if (!Number.isFinite(y)) return y
    last = last * weight + (1 - weight) * y
    seen++
    return last / (1 - weight ** seen)
  })
}
