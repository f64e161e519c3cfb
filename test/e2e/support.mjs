// Helpers for end-to-end tests: a static server for the built bundle and the test page, Debian's
// Chromium driven by playwright-core and Debian's firefox-esr driven by puppeteer-core over
// WebDriver BiDi (never a downloaded browser). Visitors, waits and the page-error guard work the
// same in both engines.
import assert from 'node:assert/strict';
import { after, afterEach, before } from 'node:test';
import { chromium } from 'playwright-core';
import { startMosquitto } from '../../scripts/brokers.mjs';
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from '../../scripts/chromium.mjs';
import { launchFirefox as startFirefox } from '../../scripts/firefox.mjs';
import { startStaticServer as startPages } from '../../scripts/static-server.mjs';
import { startXvfb } from '../../scripts/xvfb.mjs';

/** Serves dist/ and the end-to-end pages on 127.0.0.1. */
export function startStaticServer() {
  return startPages({ '/dist/': 'dist/', '/': 'test/e2e/' });
}

export async function launchChromium() {
  return guardPages(await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_FLAGS }));
}

/**
 * Debian's firefox-esr, guarded like Chromium. `display` (an X display such as ':99', see
 * scripts/xvfb.mjs) starts it headed there: headless Firefox cannot capture a screen.
 */
export async function launchFirefox({ display } = {}) {
  const firefox = display ? await startFirefox({ headed: true, env: { ...process.env, DISPLAY: display } }) : await startFirefox();
  return guardFirefoxPages(firefox);
}

/** Whether `browserOrPage` is driven by puppeteer-core (Firefox) rather than playwright-core. */
function isPuppeteer(browserOrPage) {
  return typeof browserOrPage.createBrowserContext === 'function' || typeof browserOrPage.browserContext === 'function';
}

/** The engine of a visitor's page, for messages: 'Firefox' or 'Chromium'. */
export function engineOf(page) {
  return isPuppeteer(page) ? 'Firefox' : 'Chromium';
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

/** Firefox's counterpart of `guardPages`: every page of every context made from now on. */
function guardFirefoxPages(browser) {
  const watchPage = (page) => page.on('pageerror', (error) => pageErrors.push(`${page.url()} (Firefox): ${error.message}`));
  const createBrowserContext = browser.createBrowserContext.bind(browser);
  browser.createBrowserContext = async (...args) => {
    const context = await createBrowserContext(...args);
    const newPage = context.newPage.bind(context);
    context.newPage = async (...pageArgs) => {
      const page = await newPage(...pageArgs);
      watchPage(page);
      return page;
    };
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

/**
 * Opens a visitor in its own browser context (its own cookies, storage and camera), in Chromium or
 * Firefox. A Firefox visitor gets a window of its own: a background tab renders no frames.
 */
export async function openVisitor(browser, origin, options) {
  const puppeteer = isPuppeteer(browser);
  const context = puppeteer ? await browser.createBrowserContext() : await browser.newContext();
  const page = puppeteer ? await context.newPage({ type: 'window' }) : await context.newPage();
  await page.goto(pageUrl(origin, options));
  return { context, page };
}

/** Waits until the page shows a remote tile and it decodes `frames` more frames. */
export async function expectDecoding(page, frames = 10, timeout = 15000) {
  await waitUntil(page, () => window.visit.firstRemoteFrameAt !== undefined, timeout);
  const start = await page.evaluate(() => window.remoteFrames());
  await waitUntil(page, ([before, n]) => window.remoteFrames().every((count, i) => count >= (before[i] ?? 0) + n), timeout, [start, frames]);
}

/**
 * Waits until every connected peer connection of the page receives `bytes` more audio bytes: the
 * others' microphones reach this visitor (Firefox's fake microphone and Chromium's both send tone).
 */
export async function expectHearing(page, bytes = 2000, timeout = 15000) {
  const received = () => page.evaluate(async () => {
    const connected = window.peerConnections.filter((pc) => pc.connectionState === 'connected');
    return Promise.all(connected.map(async (pc) => {
      let total = 0;
      (await pc.getStats()).forEach((report) => {
        if (report.type === 'inbound-rtp' && report.kind === 'audio') total += report.bytesReceived;
      });
      return total;
    }));
  });
  const start = await received();
  const deadline = Date.now() + timeout;
  for (;;) {
    const now = await received();
    if (now.length >= start.length && start.every((before, i) => now[i] >= before + bytes)) return;
    if (Date.now() > deadline) assert.fail(`${engineOf(page)} page hears too little: audio bytes ${start} then ${now}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function waitUntil(page, expression, timeout = 15000, arg = undefined) {
  // puppeteer-core takes the options before the argument, playwright-core after it.
  if (isPuppeteer(page)) await page.waitForFunction(expression, { timeout, polling: 25 }, arg);
  else await page.waitForFunction(expression, arg, { timeout, polling: 25 });
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

/**
 * A mosquitto broker, the static server, one Chromium and one Firefox, started before the suite's
 * tests and stopped after them. Read its fields inside tests. `headedFirefox` runs Firefox headed
 * on a display of its own (Xvfb), for screen capture, which headless Firefox cannot do.
 */
export function useBrokerServerAndBrowsers({ headedFirefox = false } = {}) {
  const fixture = {};
  before(async () => {
    fixture.xvfb = headedFirefox ? await startXvfb() : undefined;
    [fixture.broker, fixture.server, fixture.chromium, fixture.firefox] = await Promise.all([
      startMosquitto(), startStaticServer(), launchChromium(), launchFirefox({ display: fixture.xvfb?.display }),
    ]);
  });
  after(async () => {
    await fixture.firefox?.close();
    await fixture.chromium?.close();
    await fixture.xvfb?.stop();
    await fixture.server?.close();
    await fixture.broker?.stop();
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
