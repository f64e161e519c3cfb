// Helpers for end-to-end tests: a static server for the built bundle and the test page, and
// Debian's Chromium driven by playwright-core (never a downloaded browser).
import assert from 'node:assert/strict';
import { after, afterEach, before } from 'node:test';
import { chromium } from 'playwright-core';
import { startMosquitto } from '../../scripts/brokers.mjs';
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from '../../scripts/chromium.mjs';
import { startStaticServer as startPages } from '../../scripts/static-server.mjs';

/** Serves dist/ and the end-to-end pages on 127.0.0.1. */
export function startStaticServer() {
  return startPages({ '/dist/': 'dist/', '/': 'test/e2e/' });
}

export async function launchChromium() {
  return guardPages(await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_FLAGS }));
}

/** Uncaught errors and unhandled rejections seen in any guarded page since the last test ended. */
const pageErrors = [];

/**
 * Records every uncaught error and unhandled rejection (Playwright reports both as `pageerror`) in
 * every page of every context of `browser`, present or future. Each test fails if any were seen.
 */
export function guardPages(browser) {
  const watchPage = (page) => page.on('pageerror', (error) => pageErrors.push(`${page.url()}: ${error.message}`));
  const watchContext = (context) => {
    context.on('page', watchPage);
    context.pages().forEach(watchPage);
  };
  browser.contexts().forEach(watchContext);
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (...args) => {
    const context = await newContext(...args);
    watchContext(context);
    return context;
  };
  return browser;
}

afterEach(() => {
  const seen = pageErrors.splice(0);
  assert.deepEqual(seen, [], `uncaught errors or unhandled rejections in a page:\n${seen.join('\n')}`);
});

/** The test page for one visitor; `attributes` are set on its element as they are. */
export function pageUrl(origin, { room, broker, name, password = '', attributes = {} }) {
  const query = new URLSearchParams({ room, broker, name, password, 'ice-servers': '[]', ...attributes });
  return `${origin}/page.html?${query}`;
}

/** Opens a visitor in its own browser context (its own cookies, storage and camera). */
export async function openVisitor(browser, origin, options) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(pageUrl(origin, options));
  return { context, page };
}

/** Waits until the page shows a remote tile and it decodes `frames` more frames. */
export async function expectDecoding(page, frames = 10, timeout = 15000) {
  await waitUntil(page, () => window.visit.firstRemoteFrameAt !== undefined, timeout);
  const start = await page.evaluate(() => window.remoteFrames());
  await waitUntil(page, ([before, n]) => window.remoteFrames().every((count, i) => count >= (before[i] ?? 0) + n), timeout, [start, frames]);
}

export async function waitUntil(page, expression, timeout = 15000, arg = undefined) {
  await page.waitForFunction(expression, arg, { timeout, polling: 25 });
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * The usual fixture of a suite: a mosquitto broker, the static server and one Chromium, started
 * before the suite's tests and stopped after them. Read its fields inside tests.
 */
export function useBrokerServerAndBrowser() {
  const fixture = {};
  before(async () => {
    [fixture.broker, fixture.server, fixture.browser] = await Promise.all([startMosquitto(), startStaticServer(), launchChromium()]);
  });
  after(async () => {
    await fixture.browser?.close();
    await fixture.server?.close();
    await fixture.broker?.stop();
  });
  return fixture;
}

/** A static server and one guarded Chromium, for a suite that starts its own brokers. Read its fields inside tests. */
export function useServerAndBrowser() {
  const fixture = {};
  before(async () => {
    [fixture.server, fixture.browser] = await Promise.all([startStaticServer(), launchChromium()]);
  });
  after(async () => {
    await fixture.browser?.close();
    await fixture.server?.close();
  });
  return fixture;
}

/** Ada and Bob in one room on one broker, once each decodes the other's video. */
export async function openLivePair({ browser, server }, room, brokerUrl) {
  const ada = await openVisitor(browser, server.origin, { room, broker: brokerUrl, name: 'Ada' });
  const bob = await openVisitor(browser, server.origin, { room, broker: brokerUrl, name: 'Bob' });
  await Promise.all([expectDecoding(ada.page), expectDecoding(bob.page)]);
  return [ada, bob];
}
