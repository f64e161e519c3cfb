// A file a room member sends never runs as the site: two visitors on a plain page with the built
// bundle; Ada sends a page of script declared text/html, Bob's link to it only ever downloads.
// Run inside a loopback-only network namespace.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openLivePair, useBrokerServerAndBrowser, waitUntil } from './support.mjs';

describe('a received file in the built bundle', () => {
  const fixture = useBrokerServerAndBrowser();

  it('opened from its chat link, by a click or in a tab of its own, downloads and runs nothing', async () => {
    const room = `e2e-files-${Math.random().toString(36).slice(2, 8)}`;
    const [ada, bob] = await openLivePair(fixture, room, fixture.broker.url);
    await bob.page.evaluate(() => localStorage.setItem('secret', 'bob-secret'));
    // What the review measured: "minutes.pdf" sent with sendFile() ran script reading localStorage.
    await ada.page.evaluate(() => {
      const page = '<script>localStorage.setItem("stolen", String(localStorage.getItem("secret"))); document.title = "ran";</script>';
      return document.querySelector('video-chat').sendFile(new File([page], 'minutes.pdf', { type: 'text/html' }));
    });
    await bob.page.evaluate(() => document.querySelector('video-chat').shadowRoot.querySelector('[part~="button"][part~="chat"]').click());
    const link = bob.page.locator('video-chat [part~="chat-panel"] a[download]');
    await waitUntil(bob.page, () => !!document.querySelector('video-chat').shadowRoot.querySelector('[part~="chat-panel"] a[download]'));
    const href = await link.getAttribute('href');
    assert.match(href, /^blob:/);
    const pageUrl = bob.page.url();

    // A click saves it; the page stays where it was.
    const [download] = await Promise.all([bob.page.waitForEvent('download'), link.click()]);
    assert.equal(download.suggestedFilename(), 'minutes.pdf');
    assert.equal(bob.page.url(), pageUrl);

    // Its address pasted into a tab of the same browser: a download, never a page of this origin.
    const tab = await bob.context.newPage();
    const downloaded = tab.waitForEvent('download', { timeout: 15000 }).then(() => true, () => false);
    await tab.goto(href).catch(() => undefined);
    assert.equal(await bob.page.evaluate(() => localStorage.getItem('stolen')), null, 'the file read the site\'s storage');
    assert.equal(await downloaded, true, 'the tab downloads the file');
    assert.notEqual(await tab.title().catch(() => ''), 'ran');
    await Promise.all([ada.context.close(), bob.context.close()]);
  });
});
