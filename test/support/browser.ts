/** Headless Chromium (Debian's /usr/bin/chromium) driven by playwright-core, for tests and screenshots of pages. */
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../../src/screenshots/headless-page';

/** The same headless Chromium, with the same flags, as `npm run screenshots` uses. */
export const launchChromium = launchBrowser;

/** A page that records console errors and failed requests, which a test then expects to be empty. */
export async function watchedPage(
  browser: Browser,
  viewport = { width: 1280, height: 900 },
  options: { hasTouch?: boolean } = {},
): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport, ...options });
  const problems: string[] = [];
  page.on('console', (message) => message.type() === 'error' && problems.push(`console: ${message.text()}`));
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('requestfailed', (request) => {
    // An event stream cut when the page moves on is not a failure of the page.
    if (!request.url().endsWith('/events')) problems.push(`request failed: ${request.url()} ${request.failure()?.errorText ?? ''}`);
  });
  return { page, problems };
}

/** What the page functions given to `$$eval` read of an element: the tests are built without the DOM's types to name it. */
export interface PageElement {
  getAttribute(name: string): string | null;
  readonly textContent: string | null;
  readonly children: ArrayLike<PageElement>;
  querySelectorAll(selector: string): ArrayLike<PageElement>;
  querySelector(selector: string): PageElement | null;
  readonly classList: { contains(name: string): boolean };
}
