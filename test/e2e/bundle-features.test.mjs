// The features that pull in code of their own (recording's WebM fix, files, chat, share) as a
// site gets them: the built dist/video-chat.js on a plain page, two visitors, Debian's mosquitto.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { expectDecoding, openVisitor, useBrokerServerAndBrowser, waitUntil } from './support.mjs';

describe('the bundle\'s call features', () => {
  const fixture = useBrokerServerAndBrowser();
  const visit = (room, name) => openVisitor(fixture.browser, fixture.server.origin, { room, broker: fixture.broker.url, name });

  it('records, shares a screen, chats, sends data and a file between two visitors', async () => {
    const room = `e2e-features-${Math.random().toString(36).slice(2, 8)}`;
    const [ada, bob] = await Promise.all([visit(room, 'Ada'), visit(room, 'Bob')]);
    for (const { page } of [ada, bob]) await expectDecoding(page, 10, 10000);
    await bob.page.evaluate(() => {
      const el = document.querySelector('video-chat');
      window.got = { chat: [], message: [], files: [] };
      el.addEventListener('chat', (e) => window.got.chat.push(e.detail.text));
      el.addEventListener('message', (e) => window.got.message.push(e.detail.data));
      el.addEventListener('file-received', async (e) => window.got.files.push(await e.detail.file.text()));
    });
    const { duration, elapsed } = await ada.page.evaluate(async () => {
      const el = document.querySelector('video-chat');
      el.startRecording();
      const started = performance.now();
      await el.shareScreen();
      el.sendChat('hello from the bundle');
      await el.send({ n: 42 });
      await el.sendFile(new File(['file body'], 'note.txt', { type: 'text/plain' }));
      await new Promise((resolve) => setTimeout(resolve, 2000));
      const elapsed = (performance.now() - started) / 1000;
      const blob = await el.stopRecording();
      await el.stopShare();
      const video = Object.assign(document.createElement('video'), { muted: true, src: URL.createObjectURL(blob) });
      await new Promise((resolve) => video.addEventListener('loadedmetadata', resolve, { once: true }));
      return { duration: video.duration, elapsed };
    });
    // As long as it was recording (the sends before the pause take longer on a busy machine).
    assert.ok(Number.isFinite(duration) && Math.abs(duration - elapsed) < 1, `recording plays ${duration} s, recorded ${elapsed} s`);
    await waitUntil(bob.page, () => window.got.chat.length === 1 && window.got.message.length === 1 && window.got.files.length === 1);
    const got = await bob.page.evaluate(() => window.got);
    assert.deepEqual(got, { chat: ['hello from the bundle'], message: [{ n: 42 }], files: ['file body'] });
    const errors = await Promise.all([ada, bob].map(({ page }) => page.evaluate(() => window.visit.errors)));
    assert.deepEqual(errors, [[], []]);
    await Promise.all([ada.context.close(), bob.context.close()]);
  });
});
