/** Opens local pages in Debian's headless Chromium (through playwright-core), for the browser tests and `npm run screenshots`. */
import type { Browser, Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export interface OpenedPage {
  page: Page;
  /** Console errors and failed or non-local requests seen while the page loaded. */
  problems: string[];
}

export async function launchBrowser(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}

/** Loads a local HTML file; anything fetched from outside file: and data: URLs counts as a problem (the views are offline). */
export async function openFile(browser: Browser, file: string, width = 1200): Promise<OpenedPage> {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  const problems: string[] = [];
  page.on('console', (message) => message.type() === 'error' && problems.push(`console error: ${message.text()}`));
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()}`));
  page.on('request', (request) => !/^(file|data):/.test(request.url()) && problems.push(`network request: ${request.url()}`));
  await page.goto(`file://${file}`, { waitUntil: 'load' });
  return { page, problems };
}
