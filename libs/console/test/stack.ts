import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, startWharfStack, type WharfService, type WharfStack } from '@wharf/testing';
import { chromium, type Browser, type Page } from 'playwright-core';

// the whole-Wharf harness lives in @wharf/testing (the CLI's tests use it too); re-exported under the names these files use
export { runWharfCli as runWharf } from '@wharf/testing';
export type ConsoleStack = WharfStack;

/** Wharf behind the edge for a console test: `env` for every process, `only` the services the test needs. */
export const startStack = (env: Record<string, string> = {}, only?: WharfService[]): Promise<ConsoleStack> => startWharfStack({ idPrefix: 'con', env, only });

/** Debian's Chromium, headless, with the flags this closed network needs (../shared/CONTAINERS.md); a fresh profile each launch. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/**
 * Saves a screenshot of the page: always under tmp/console-screenshots/, and into docs/console/ when
 * WHARF_CONSOLE_SCREENSHOTS=docs (how the committed pictures were made).
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  const dirs = [join(repoRoot, 'tmp', 'console-screenshots')];
  if (process.env.WHARF_CONSOLE_SCREENSHOTS === 'docs') dirs.push(join(repoRoot, 'docs', 'console'));
  for (const dir of dirs) {
    mkdirSync(dir, { recursive: true });
    await page.screenshot({ path: join(dir, `${name}.png`), fullPage: false });
  }
}

/** Every browser-side error (console errors, uncaught exceptions) of a page, for the "never a blank page" checks. */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  return errors;
}

/** Opens a view of the console (`#/<view>`) and waits until its nav entry is the current one. */
export async function openView(page: Page, stack: ConsoleStack, view: string): Promise<void> {
  await page.goto(`${stack.edge.url}/_wharf/console/#/${view}`);
  await page.locator(`nav a[data-view="${view}"].current`).waitFor();
}
