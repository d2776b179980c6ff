/**
 * "Nothing clipped" for the end-to-end tests: an element is on screen when its box lies inside the
 * viewport and the topmost element at its centre and near its corners is the element itself or
 * inside it (not the Activity panel, a sticky header or another card over it); a page is unclipped
 * when neither the document nor the content pane scrolls sideways.
 */
import type { Locator, Page } from 'playwright-core'

/**
 * Runs in the page (the Node program has no DOM types, so it travels as source): why the element is
 * not fully visible, or null.
 */
const CLIP_PROBLEM = String.raw`(el) => {
  const r = el.getBoundingClientRect()
  const vw = document.documentElement.clientWidth
  const vh = document.documentElement.clientHeight
  const test = el.getAttribute('data-test')
  const name = el.tagName.toLowerCase() + (test ? '[data-test=' + test + ']' : '')
  if (r.width === 0 || r.height === 0) return name + ' has no size'
  if (r.left < -0.5 || r.top < -0.5 || r.right > vw + 0.5 || r.bottom > vh + 0.5) {
    return name + ' at x ' + Math.round(r.left) + '–' + Math.round(r.right) + ', y ' + Math.round(r.top) + '–' + Math.round(r.bottom) + ' is outside the ' + vw + '×' + vh + ' viewport'
  }
  const inset = Math.min(3, r.width / 4, r.height / 4)
  const points = [
    [r.left + r.width / 2, r.top + r.height / 2],
    [r.left + inset, r.top + inset],
    [r.right - inset, r.top + inset],
    [r.left + inset, r.bottom - inset],
    [r.right - inset, r.bottom - inset],
  ]
  for (const [x, y] of points) {
    const top = document.elementFromPoint(x, y)
    if (top && top !== el && !el.contains(top)) {
      const cls = typeof top.className === 'string' && top.className ? '.' + top.className.split(' ')[0] : ''
      return name + ' is covered at (' + Math.round(x) + ', ' + Math.round(y) + ') by ' + top.tagName.toLowerCase() + cls
    }
  }
  return null
}`

/** Runs in the page: how far the document and the content pane scroll sideways. */
const SIDEWAYS = String.raw`(() => {
  const doc = document.documentElement
  const pane = document.querySelector('main.content')
  return { page: doc.scrollWidth - doc.clientWidth, pane: pane ? pane.scrollWidth - pane.clientWidth : 0 }
})()`

/** Why `locator` is not fully visible, or null when it is (after scrolling it into view). */
export async function clipProblem(locator: Locator): Promise<string | null> {
  await locator.scrollIntoViewIfNeeded()
  return (await locator.evaluate(CLIP_PROBLEM)) as string | null
}

/** Fails with the reason when any of the elements is clipped or covered. */
export async function expectUnclipped(...locators: Locator[]): Promise<void> {
  for (const l of locators) {
    const problem = await clipProblem(l.first())
    if (problem) throw new Error(`clipped: ${problem}`)
  }
}

/** Fails when the page or the content pane scrolls sideways (something wider than the window). */
export async function expectNoSidewaysScroll(page: Page): Promise<void> {
  const overflow = (await page.evaluate(SIDEWAYS)) as { page: number; pane: number }
  if (overflow.page > 1 || overflow.pane > 1) throw new Error(`scrolls sideways: the page by ${overflow.page}px, the content pane by ${overflow.pane}px`)
}
