/**
 * The explorer walks run every step at a laptop's window and at a narrow one; their screenshots are committed as
 * docs/screenshots/<prefix>-<step>-<width>.png.
 */
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'

export const WALK_VIEWPORTS = [
  { width: 1280, height: 720 },
  { width: 900, height: 720 },
] as const
export type WalkViewport = (typeof WALK_VIEWPORTS)[number]

export const DOC_SCREENSHOTS = join(import.meta.dirname, '..', '..', 'docs', 'screenshots')

/** A describe per viewport (`title` at W×H), whose first hook sizes the page's window to it. */
export function describeAtEachViewport(title: string, page: () => Page, body: (viewport: WalkViewport) => void): void {
  describe.each(WALK_VIEWPORTS)(`${title} at $width×$height`, (viewport) => {
    beforeAll(async () => {
      await page().setViewportSize(viewport)
    })
    body(viewport)
  })
}

/** Saves the page as docs/screenshots/<prefix>-<step>-<width>.png. */
export async function docScreenshot(page: Page, prefix: string, step: string, width: number): Promise<void> {
  await page.screenshot({ path: join(DOC_SCREENSHOTS, `${prefix}-${step}-${width}.png`) })
}

/** A test that fails on any console error, besides the 4xx answers a walk provokes on purpose. */
export function itLeavesNoConsoleErrors(consoleErrors: () => string[]): void {
  it('leaves no console errors', () => {
    expect(consoleErrors().filter((e) => !/Failed to load resource: the server responded with a status of 4\d\d/.test(e))).toEqual([])
  })
}
