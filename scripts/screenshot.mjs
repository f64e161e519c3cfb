// Screenshots of the views a visitor sees, from real headless runs of the demo page: visitors join
// one room and each view is captured once every remote tile decodes video. Writes
// docs/screenshots/*.png. Run: npm run screenshot [view ...]
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from './chromium.mjs';
import { startDemoServer } from './demo-server.mjs';
import { runInLoopbackNamespace } from './system-check.mjs';

// WebRTC must stay on 127.0.0.1: re-run inside a loopback-only network namespace.
runInLoopbackNamespace();

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

/** Opens the demo as `name` in its own context and joins `room` from the pre-join view. */
async function join(browser, demo, room, name, viewport = DESKTOP, { rememberIdentity = false } = {}) {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
  const page = await context.newPage();
  await page.goto(`${demo.url}?room=${encodeURIComponent(room)}`);
  const element = page.locator('video-chat');
  if (rememberIdentity) await element.evaluate((el) => (el.rememberIdentity = true));
  await element.locator('[part~="prejoin"] input').fill(name);
  await element.locator('[part~="join"]').click();
  return page;
}

async function decodingAll(page, remotes) {
  await page.waitForFunction((n) => {
    const videos = [...document.querySelector('video-chat').shadowRoot.querySelectorAll('[part~="remote"]:not([part~="camera-off"]) video')];
    return videos.length >= n && videos.every((v) => v.getVideoPlaybackQuality().totalVideoFrames > 20);
  }, remotes, { timeout: 30000 });
}

/** Opens the demo in the pre-join view and waits for the camera preview and a moving microphone level. */
async function prejoin(browser, demo, room, viewport) {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
  const page = await context.newPage();
  await page.goto(`${demo.url}?room=${encodeURIComponent(room)}`);
  await page.waitForFunction(() => {
    const video = document.querySelector('video-chat').shadowRoot.querySelector('[part~="prejoin"] [part~="local"] video');
    return video && video.getVideoPlaybackQuality().totalVideoFrames > 10;
  }, undefined, { timeout: 30000 });
  // The fake microphone beeps once a second: the picture is taken while the meter shows a beep.
  page.beforeShot = () => page.waitForFunction(() => {
    const meter = document.querySelector('video-chat').shadowRoot.querySelector('[part~="level"]');
    return meter && Number(meter.style.getPropertyValue('--level')) >= 0.9;
  }, undefined, { timeout: 30000, polling: 'raf' });
  return page;
}

/** Joins like `join`, with the camera off and muted: a visitor that costs the machine no encoder. */
async function joinQuietly(browser, demo, room, name) {
  const context = await browser.newContext({ viewport: { width: 480, height: 360 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  await page.goto(`${demo.url}?room=${encodeURIComponent(room)}`);
  const element = page.locator('video-chat');
  await element.evaluate((el) => Object.assign(el, { cameraOff: true, muted: true }));
  await element.locator('[part~="prejoin"] input').fill(name);
  await element.locator('[part~="join"]').click();
  return page;
}

const PEOPLE = ['Ada Lovelace', 'Grace Hopper', 'Alan Turing', 'Katherine Johnson', 'Edsger Dijkstra', 'Barbara Liskov', 'Donald Knuth', 'Margaret Hamilton'];

/**
 * `n` visitors (three with cameras, the rest with cameras off) seen by Ada on the demo page in three
 * boxes. Eight pages in one call do not connect on a busy two-core machine: past six, Ada's page
 * shows stand-ins for the visitors with cameras off (participants with no connection) beside three
 * real ones. The boxes: the page at 1280×800 (the element under its heading, the height left to it), the element
 * set to 800×500, and a phone at 390×844 (the element 100% wide, 600 px high). Writes
 * layout-<n>-desktop.png and layout-<n>-box.png, returns the phone for layout-<n>-phone.png.
 */
function layoutView(n) {
  return async (browser, demo) => {
    const room = `shots-layout-${n}`;
    const real = n > 6 ? 3 : n;
    const ada = await join(browser, demo, room, PEOPLE[0]);
    for (let i = 1; i < real; i++) {
      if (i < 3) await join(browser, demo, room, PEOPLE[i], { width: 480, height: 360 });
      else await joinQuietly(browser, demo, room, PEOPLE[i]);
    }
    await ada.waitForFunction((others) => document.querySelector('video-chat').shadowRoot.querySelectorAll('[part~="remote"]').length === others,
      real - 1, { timeout: 240000 });
    await decodingAll(ada, Math.min(n - 1, 2));
    const element = ada.locator('video-chat');
    await element.evaluate((el, names) => {
      const { call } = el.controller;
      const connected = call.participants;
      const standIns = names.map((name, i) => {
        const participant = new connected[0].constructor(`stand-in-${i}`, name);
        participant.setState({ microphone: false, camera: false, screen: false, recording: false });
        return participant;
      });
      Object.defineProperty(call, 'participants', { configurable: true, get: () => [...connected, ...standIns] });
      el.requestUpdate();
    }, PEOPLE.slice(real, n));
    const shoot = async (box) => {
      await ada.mouse.move(0, 0);
      await ada.waitForTimeout(500);
      await ada.screenshot({ path: `docs/screenshots/layout-${n}-${box}.png` });
      console.log(`wrote docs/screenshots/layout-${n}-${box}.png`);
    };
    await shoot('desktop');
    await element.evaluate((el) => (el.style.cssText = 'width: 800px; height: 500px'));
    await shoot('box');
    await ada.setViewportSize({ width: 390, height: 844 });
    await element.evaluate((el) => (el.style.cssText = 'width: 100%; height: 600px'));
    ada.shotName = `layout-${n}-phone`;
    return ada;
  };
}

const VIEWS = {
  /** Two people; the other has muted and turned the camera off. */
  async 'two-people'(browser, demo) {
    const ada = await join(browser, demo, 'shots-two', 'Ada Lovelace');
    const grace = await join(browser, demo, 'shots-two', 'Grace Hopper');
    await decodingAll(ada, 1);
    await grace.evaluate(() => Object.assign(document.querySelector('video-chat'), { muted: true, cameraOff: true }));
    await ada.waitForFunction(() => document.querySelector('video-chat').shadowRoot.querySelector('[part~="remote"][part~="camera-off"]'));
    await ada.waitForTimeout(300);
    return ada;
  },
  /**
   * Two people; the other's link is poor and relayed: the signal mark on its name, its tooltip shown.
   * (Loopback is never poor: the measurement the lab makes on a real lossy path is set here.)
   */
  async 'poor-connection'(browser, demo) {
    const ada = await join(browser, demo, 'shots-poor', 'Ada Lovelace');
    await join(browser, demo, 'shots-poor', 'Grace Hopper');
    await decodingAll(ada, 1);
    await ada.evaluate(() => {
      const participant = document.querySelector('video-chat').controller.call.participants[0];
      participant.setLink({ path: 'relay', quality: 'poor', sample: { loss: 0.12, roundTripMs: 640, framesPerSecond: 4 } });
    });
    const mark = ada.locator('video-chat').locator('.link-mark');
    await mark.waitFor();
    // The browser draws no native tooltip in a screenshot: show the mark's text the way one looks.
    await mark.evaluate((el) => {
      const tip = Object.assign(document.createElement('div'), { textContent: el.getAttribute('title') });
      const box = el.getBoundingClientRect();
      Object.assign(tip.style, { position: 'fixed', left: `${box.left}px`, maxWidth: '420px', padding: '6px 10px', background: '#111827', color: '#f9fafb', font: '13px system-ui, sans-serif', borderRadius: '6px', zIndex: 10 });
      document.body.append(tip);
      tip.style.top = `${box.top - tip.offsetHeight - 8}px`;
    });
    return ada;
  },
  /** Two people; the other is speaking, with a ring around its tile. */
  async speaking(browser, demo) {
    const ada = await join(browser, demo, 'shots-speaking', 'Ada Lovelace');
    await join(browser, demo, 'shots-speaking', 'Grace Hopper');
    await decodingAll(ada, 1);
    await ada.evaluate(() => (document.querySelector('video-chat').muted = true));
    // The fake microphone beeps once a second: the ring is on Grace's tile for a moment each time.
    await ada.waitForFunction(() => document.querySelector('video-chat').shadowRoot.querySelector('[part~="remote"][part~="speaking"]'),
      undefined, { timeout: 30000, polling: 20 });
    return ada;
  },
  /** The chat panel open, with a few messages. */
  async chat(browser, demo) {
    const ada = await join(browser, demo, 'shots-chat', 'Ada Lovelace');
    const grace = await join(browser, demo, 'shots-chat', 'Grace Hopper');
    await decodingAll(ada, 1);
    await grace.evaluate(() => document.querySelector('video-chat').sendChat('Hello Ada! Can you see my screen?'));
    await ada.evaluate(() => document.querySelector('video-chat').sendChat('Yes, loud and clear.'));
    await grace.evaluate(() => document.querySelector('video-chat').sendChat('<b>Tags</b> stay text.'));
    await ada.locator('video-chat').locator('[part~="button"][part~="chat"]').click();
    await ada.waitForTimeout(300);
    return ada;
  },
  /** The settings panel open in a call. */
  async settings(browser, demo) {
    const ada = await join(browser, demo, 'shots-settings', 'Ada Lovelace');
    await join(browser, demo, 'shots-settings', 'Grace Hopper');
    await decodingAll(ada, 1);
    await ada.locator('video-chat').locator('[part~="button"][part~="settings"]').click();
    await ada.locator('video-chat').locator('[part~="settings-panel"] select[name="camera"] option').first().waitFor({ state: 'attached' });
    await ada.mouse.move(0, 0);
    return ada;
  },
  /** Three people, one sharing a screen: the share in the spotlight. */
  async share(browser, demo) {
    const ada = await join(browser, demo, 'shots-share', 'Ada Lovelace');
    const grace = await join(browser, demo, 'shots-share', 'Grace Hopper');
    await join(browser, demo, 'shots-share', 'Alan Turing');
    await decodingAll(ada, 2);
    await grace.locator('video-chat').locator('[part~="button"][part~="share"]').click();
    await ada.waitForFunction(() => {
      const video = document.querySelector('video-chat').shadowRoot.querySelector('[part~="screen"] video');
      return video && video.getVideoPlaybackQuality().totalVideoFrames > 10;
    }, undefined, { timeout: 30000 });
    return ada;
  },
  /** The Verify panel open: the pair's safety code. */
  async verify(browser, demo) {
    const ada = await join(browser, demo, 'shots-verify', 'Ada Lovelace');
    await join(browser, demo, 'shots-verify', 'Grace Hopper');
    await decodingAll(ada, 1);
    const element = ada.locator('video-chat');
    await element.locator('[part~="remote"]').hover();
    await element.locator('[part~="button"][part~="verify"]').click();
    await element.locator('[part~="verify-panel"] [part~="safety-code"]').waitFor();
    return ada;
  },
  /**
   * `remember-identity`: Ada verified Grace on an earlier visit; someone else now calls themselves
   * Grace (another browser, so another key). The tile's warning mark and the Verify panel's note.
   */
  async 'key-changed'(browser, demo) {
    const remember = { rememberIdentity: true };
    const ada = await join(browser, demo, 'shots-key-changed', 'Ada Lovelace', DESKTOP, remember);
    const grace = await join(browser, demo, 'shots-key-changed', 'Grace Hopper', DESKTOP, remember);
    await decodingAll(ada, 1);
    await ada.locator('video-chat').evaluate((el) => el.markVerified(el.peers[0].peerId));
    await ada.waitForTimeout(500);
    await grace.context().close();
    await ada.waitForFunction(() => document.querySelector('video-chat').peers.length === 0);
    await join(browser, demo, 'shots-key-changed', 'Grace Hopper', DESKTOP, remember);
    await decodingAll(ada, 1);
    const element = ada.locator('video-chat');
    await element.locator('[part~="remote"][part~="key-changed"]').waitFor();
    await element.locator('[part~="remote"]').hover();
    await element.locator('[part~="button"][part~="verify"]').click();
    await element.locator('[part~="verify-panel"] [part~="key-changed-note"]').waitFor();
    await element.locator('[part~="verify-panel"] [part~="safety-code"]').waitFor();
    return ada;
  },
  /** Before joining: the camera preview, mic and camera toggles with the microphone's level, the name and Join. */
  async prejoin(browser, demo) {
    return prejoin(browser, demo, 'shots-prejoin', DESKTOP);
  },
  /** The pre-join view on a phone. */
  async 'prejoin-phone'(browser, demo) {
    return prejoin(browser, demo, 'shots-prejoin-phone', PHONE);
  },
  /** Before joining, with the settings panel open beside the preview: camera, microphone, speaker. */
  async 'prejoin-settings'(browser, demo) {
    const page = await prejoin(browser, demo, 'shots-prejoin-settings', DESKTOP);
    const element = page.locator('video-chat');
    await element.locator('[part~="prejoin"] [part~="button"][part~="settings"]').click();
    await element.locator('[part~="settings-panel"] select[name="camera"] option').first().waitFor({ state: 'attached' });
    return page;
  },
  /** Before joining, camera and microphone blocked: where to allow them (a browser whose prompt always says no). */
  async 'prejoin-denied'(_browser, demo) {
    const args = CHROMIUM_FLAGS.map((flag) => (flag === '--use-fake-ui-for-media-stream' ? '--use-fake-ui-for-media-stream=deny' : flag));
    const denying = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args });
    const page = await (await denying.newContext({ viewport: DESKTOP, deviceScaleFactor: 1 })).newPage();
    await page.goto(`${demo.url}?room=shots-prejoin-denied`);
    await page.locator('video-chat').locator('[part~="media-blocked"]').waitFor({ timeout: 30000 });
    return page;
  },
  /** A phone: one remote large, the self-view small. */
  async phone(browser, demo) {
    const ada = await join(browser, demo, 'shots-phone', 'Ada', PHONE);
    await join(browser, demo, 'shots-phone', 'Grace');
    await decodingAll(ada, 1);
    return ada;
  },
  'layout-2': layoutView(2),
  'layout-3': layoutView(3),
  'layout-6': layoutView(6),
  'layout-8': layoutView(8),
};

const wanted = process.argv.slice(2).filter((name) => !name.startsWith('-'));
mkdirSync('docs/screenshots', { recursive: true });
const demo = await startDemoServer();
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_FLAGS });
try {
  for (const [name, view] of Object.entries(VIEWS)) {
    if (wanted.length && !wanted.includes(name)) continue;
    const page = await view(browser, demo);
    // No hover effects (tile buttons, tooltips) in the picture.
    await page.mouse.move(0, 0);
    await page.waitForTimeout(300);
    await page.beforeShot?.();
    const shotName = page.shotName ?? name;
    await page.screenshot({ path: `docs/screenshots/${shotName}.png` });
    console.log(`wrote docs/screenshots/${shotName}.png`);
    // A view with a browser of its own (other flags) closes it here.
    if (page.context().browser() !== browser) await page.context().browser()?.close();
    for (const context of browser.contexts()) await context.close();
  }
} finally {
  await browser.close();
  await demo.close();
}
