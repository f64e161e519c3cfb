// Takes docs/screenshot.png from a real headless run: two demo pages join one room and the first
// page's element is captured once both remote tiles decode video. Run: npm run screenshot
import { chromium } from 'playwright-core';
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from './chromium.mjs';
import { startDemoServer } from './demo-server.mjs';
import { runInLoopbackNamespace } from './system-check.mjs';

// WebRTC must stay on 127.0.0.1: re-run inside a loopback-only network namespace.
runInLoopbackNamespace();

const demo = await startDemoServer();
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_FLAGS });
try {
  const pages = [];
  for (const name of ['Ada', 'Grace']) {
    const page = await (await browser.newContext({ viewport: { width: 900, height: 640 } })).newPage();
    await page.goto(demo.url);
    await page.fill('#name', name);
    await page.locator('video-chat').locator('[part~="join"]').click();
    pages.push(page);
  }
  for (const page of pages) {
    await page.waitForFunction(() => {
      const video = document.querySelector('video-chat').shadowRoot.querySelector('[part~="remote"] video');
      return video && video.getVideoPlaybackQuality().totalVideoFrames > 30;
    }, undefined, { timeout: 20000 });
  }
  await pages[0].locator('video-chat').screenshot({ path: 'docs/screenshot.png' });
  console.log('wrote docs/screenshot.png');
} finally {
  await browser.close();
  await demo.close();
}
