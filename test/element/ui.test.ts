import '../support/page-guard.js';
import { expect, fixture, html } from '@open-wc/testing';
import { brokerUrl } from '../support/broker-url.js';
import '../../src/video-chat.js';
import type { VideoChat } from '../../src/element/video-chat.element.js';
import { collectPageErrors, nextEvent, uniqueRoom, waitFor } from '../support/helpers.js';

describe('<video-chat> view and attributes', () => {
  it('is registered and typed', () => {
    const el = document.createElement('video-chat');
    expect(el).to.be.instanceOf(customElements.get('video-chat')!);
    expect(el.state).to.equal('idle');
  });

  it('shows a pre-join view with preview, name field and Join button without autojoin', async () => {
    const el = await fixture<VideoChat>(html`<video-chat room=${uniqueRoom()} broker=${brokerUrl} ice-servers="[]" name="Ada"></video-chat>`);
    const prejoin = el.shadowRoot!.querySelector('[part~="prejoin"]');
    expect(prejoin).to.exist;
    const join = el.shadowRoot!.querySelector<HTMLButtonElement>('[part~="button"][part~="join"]')!;
    expect(join).to.exist;
    expect(el.shadowRoot!.querySelector('input')!.value).to.equal('Ada');
    await waitFor(() => !!el.localStream, 'the camera preview');
    expect(el.state).to.equal('idle');
    const joined = nextEvent(el, 'joined');
    join.click();
    expect((await joined).detail.room).to.equal(el.room);
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[part~="controls"]')).to.exist;
    for (const button of ['mic', 'camera', 'leave']) expect(el.shadowRoot!.querySelector(`[part~="button"][part~="${button}"]`), button).to.exist;
    await el.leave();
  });

  it('keeps the preview playing through Join: the self-view is the same <video>, never restarted', async () => {
    const el = await fixture<VideoChat>(html`<video-chat room=${uniqueRoom()} broker=${brokerUrl} ice-servers="[]"></video-chat>`);
    const selfView = () => el.shadowRoot!.querySelector<HTMLVideoElement>('[part~="local"] video');
    await waitFor(() => !!selfView()?.srcObject, 'the camera preview');
    const preview = selfView()!;
    await new Promise((resolve) => preview.requestVideoFrameCallback(resolve));
    const joined = nextEvent(el, 'joined');
    el.shadowRoot!.querySelector<HTMLButtonElement>('[part~="join"]')!.click();
    await joined;
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[part~="controls"]'), 'the call view').to.exist;
    expect(selfView(), 'the self-view after joining').to.equal(preview);
    expect(preview.srcObject).to.equal(el.localStream);
    // Still playing: a media element taken out of the page would have been paused.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(preview.paused).to.equal(false);
    await el.leave();
  });

  it('reports bad ice-servers as bad-attribute, keeps the default, and throws nothing into the page', async () => {
    const pageErrors = collectPageErrors();
    const el = document.createElement('video-chat');
    const error = nextEvent(el, 'error');
    let bubbledToWindow = false;
    const spy = () => (bubbledToWindow = true);
    window.addEventListener('error', spy);
    el.setAttribute('ice-servers', '{not json');
    document.body.append(el);
    const { detail } = await error;
    expect(detail.code).to.equal('bad-attribute');
    expect(detail.message).to.contain('ice-servers');
    el.setAttribute('ice-servers', '[{"urls": 42}]');
    expect((await nextEvent(el, 'error')).detail.code).to.equal('bad-attribute');
    window.removeEventListener('error', spy);
    el.remove();
    pageErrors.stop();
    expect(bubbledToWindow).to.equal(false);
    expect(pageErrors.errors).to.deep.equal([]);
  });

  it('refuses to join without a room or with a non-WebSocket broker', async () => {
    const el = await fixture<VideoChat>(html`<video-chat></video-chat>`);
    const noRoom = nextEvent(el, 'error');
    await el.join();
    expect((await noRoom).detail).to.include({ code: 'bad-attribute' });
    el.room = uniqueRoom();
    el.broker = 'http://example.invalid';
    const badBroker = nextEvent(el, 'error');
    await el.join();
    expect((await badBroker).detail.message).to.contain('broker');
    expect(el.state).to.equal('idle');
  });

  it('with autojoin, reports a bad attribute once, not again on every re-render, and joins once it is fixed', async () => {
    const el = document.createElement('video-chat');
    Object.assign(el, { room: uniqueRoom(), broker: 'http://example.invalid', iceServers: '[]', autojoin: true });
    const errors: string[] = [];
    el.addEventListener('error', ({ detail }) => errors.push(detail.code));
    document.body.append(el);
    try {
      await waitFor(() => errors.length > 0, 'the bad-attribute error');
      for (const name of ['A', 'Ad', 'Ada']) {
        el.name = name;
        await el.updateComplete;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(errors).to.deep.equal(['bad-attribute']);
      expect(el.state).to.equal('idle');
      const joined = nextEvent(el, 'joined');
      el.broker = brokerUrl;
      await joined;
    } finally {
      await el.leave();
      el.remove();
    }
  });

  it('reports an unreachable broker without throwing, and can still leave', async () => {
    const pageErrors = collectPageErrors();
    const el = await fixture<VideoChat>(html`<video-chat room=${uniqueRoom()} broker="ws://127.0.0.1:9" ice-servers="[]"></video-chat>`);
    const error = nextEvent(el, 'error', 20000);
    void el.join();
    const { detail } = await error;
    expect(detail.code).to.equal('broker-unreachable');
    expect(el.state).to.equal('joining');
    await el.leave();
    expect(el.state).to.equal('left');
    pageErrors.stop();
    expect(pageErrors.errors).to.deep.equal([]);
  });

  it('turns an unforeseen failure while joining into an error event, never a page error', async () => {
    const pageErrors = collectPageErrors();
    const original = crypto.subtle.importKey;
    crypto.subtle.importKey = () => Promise.reject(new Error('key import broke'));
    try {
      const el = await fixture<VideoChat>(html`<video-chat room=${uniqueRoom()} broker=${brokerUrl} ice-servers="[]"></video-chat>`);
      const error = nextEvent(el, 'error');
      await el.join();
      const { detail } = await error;
      expect(detail.code).to.equal('unsupported');
      expect(detail.message).to.contain('key import broke');
      await waitFor(() => el.state === 'idle', 'back to idle');
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(pageErrors.errors).to.deep.equal([]);
      expect(el.signalingState, 'no broker connection left').to.equal('offline');
    } finally {
      crypto.subtle.importKey = original;
      pageErrors.stop();
    }
  });

  it('reports the broker connection offline after a join that failed once connected', async () => {
    const pageErrors = collectPageErrors();
    // An unforeseen failure at the last step of joining, after the broker connection is up.
    const original = window.addEventListener;
    window.addEventListener = function (this: Window, type: string, ...rest: unknown[]) {
      if (type === 'pagehide') throw new Error('pagehide refused');
      return (original as (...args: unknown[]) => void).call(this, type, ...rest);
    } as typeof window.addEventListener;
    try {
      const el = await fixture<VideoChat>(html`<video-chat room=${uniqueRoom()} broker=${brokerUrl} ice-servers="[]"></video-chat>`);
      const states: string[] = [];
      el.addEventListener('signaling-state', ({ detail }) => states.push(detail.state));
      const error = nextEvent(el, 'error');
      await el.join();
      expect((await error).detail.message).to.contain('pagehide refused');
      await waitFor(() => el.state === 'idle', 'back to idle');
      await waitFor(() => el.signalingState === 'offline', 'the broker connection reported offline');
      expect(states).to.deep.equal(['connecting', 'online', 'offline']);
      expect(pageErrors.errors).to.deep.equal([]);
    } finally {
      window.addEventListener = original;
      pageErrors.stop();
    }
  });

  it('turns the pre-join preview camera off on leave(), and keeps it off', async () => {
    const el = await fixture<VideoChat>(html`<video-chat room=${uniqueRoom()} broker=${brokerUrl} ice-servers="[]"></video-chat>`);
    await waitFor(() => el.localStream !== undefined, 'the preview');
    const tracks = el.localStream!.getTracks();
    let left = false;
    el.addEventListener('left', () => (left = true));
    await el.leave();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(tracks.map((t) => t.readyState)).to.deep.equal(tracks.map(() => 'ended'));
    expect(el.localStream).to.equal(undefined);
    expect(el.state).to.equal('left');
    expect(left, 'no call was left').to.equal(false);
    expect(el.shadowRoot!.querySelector('[part~="join"]')?.textContent?.trim()).to.equal('Join again');
  });

  it('does not join when leave() follows join() at once', async () => {
    const el = await fixture<VideoChat>(html`<video-chat room=${uniqueRoom()} broker=${brokerUrl} ice-servers="[]"></video-chat>`);
    let joined = false;
    el.addEventListener('joined', () => (joined = true));
    const joining = el.join();
    await el.leave();
    await joining;
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(joined).to.equal(false);
    expect(el.state).to.not.equal('joined');
  });

  it('renders a hostile name as text', async () => {
    const hostile = '<img src=x onerror=alert(1)>';
    const el = await fixture<VideoChat>(html`<video-chat room=${uniqueRoom()} broker=${brokerUrl} ice-servers="[]" .name=${hostile}></video-chat>`);
    const label = el.shadowRoot!.querySelector('[part~="name"]')!;
    expect(label.textContent).to.contain(hostile);
    expect(el.shadowRoot!.querySelector('img')).to.equal(null);
  });

  it('keeps its controls in the window when alone in an element wider than the window', async () => {
    // Wide and short: a 16:9 tile as wide as the element would be taller than the whole window.
    const el = await fixture<VideoChat>(html`<video-chat style="width: ${window.innerWidth * 2}px" room=${uniqueRoom()} broker=${brokerUrl} ice-servers="[]"></video-chat>`);
    await el.join();
    await el.updateComplete;
    const tile = el.shadowRoot!.querySelector('[part~="local"]')!.getBoundingClientRect();
    const leave = el.shadowRoot!.querySelector('[part~="leave"]')!.getBoundingClientRect();
    expect(leave.bottom, 'bottom of the Leave button').to.be.at.most(window.innerHeight);
    expect(el.getBoundingClientRect().bottom, 'bottom of the element').to.be.at.most(window.innerHeight);
    expect(tile.width / tile.height).to.be.closeTo(16 / 9, 0.02);
    await el.leave();
  });

  it('follows the toggle-button pattern on mic and camera: a constant name, the state in aria-pressed', async () => {
    const el = await fixture<VideoChat>(html`<video-chat room=${uniqueRoom()} broker=${brokerUrl} ice-servers="[]"></video-chat>`);
    await el.join();
    await el.updateComplete;
    for (const [part, name] of [['mic', 'Mute'], ['camera', 'Camera off']]) {
      const button = () => el.shadowRoot!.querySelector<HTMLButtonElement>(`[part~="button"][part~="${part}"]`)!;
      expect(button().getAttribute('aria-label'), part).to.equal(name);
      expect(button().getAttribute('aria-pressed'), `${part} while on`).to.equal('false');
      button().click();
      await el.updateComplete;
      expect(button().getAttribute('aria-label'), part).to.equal(name);
      expect(button().getAttribute('aria-pressed'), `${part} once turned off`).to.equal('true');
      button().click();
      await el.updateComplete;
      expect(button().getAttribute('aria-pressed'), `${part} on again`).to.equal('false');
    }
    await el.leave();
  });

  it('is accessible in the pre-join view, in a call, and with the chat and settings panels open', async () => {
    const el = await fixture<VideoChat>(html`<video-chat room=${uniqueRoom()} broker=${brokerUrl} ice-servers="[]" name="Ada"></video-chat>`);
    await expect(el).to.be.accessible();
    await waitFor(() => !!el.localStream?.getVideoTracks()[0], 'the preview');
    const settings = () => el.shadowRoot!.querySelector<HTMLButtonElement>('[part~="button"][part~="settings"]')!;
    settings().click();
    await waitFor(() => !!el.shadowRoot!.querySelector('[part~="settings-panel"] select option'), 'the device lists');
    await expect(el).to.be.accessible();
    settings().click();
    await el.updateComplete;
    await el.join();
    await el.updateComplete;
    await expect(el).to.be.accessible();
    el.shadowRoot!.querySelector<HTMLButtonElement>('[part~="button"][part~="chat"]')!.click();
    el.sendChat('A message, to have one in the log');
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[part~="chat-panel"] li .who')).to.exist;
    await expect(el).to.be.accessible();
    settings().click();
    await waitFor(() => !!el.shadowRoot!.querySelector('[part~="settings-panel"] select option'), 'the device lists in the call');
    expect(el.shadowRoot!.querySelector('[part~="chat-panel"]'), 'one panel at a time').to.equal(null);
    await expect(el).to.be.accessible();
    await el.leave();
  });
});

describe('<video-chat> on a page', () => {
  it('keeps every control on screen at 1280×800 with the element below a page header, and at phone widths', async () => {
    const { setViewport } = await import('@web/test-runner-commands');
    try {
      for (const [width, height] of [[1280, 800], [390, 844], [320, 640]]) {
        await setViewport({ width, height });
        const page = await fixture<HTMLElement>(html`<div>
          <header style="height: 420px">A site's header</header>
          <video-chat style="min-height: 480px" room=${uniqueRoom()} broker=${brokerUrl} ice-servers="[]" name="Ada"></video-chat>
        </div>`);
        const el = page.querySelector('video-chat')!;
        await el.join();
        await el.updateComplete;
        const buttons = [...el.shadowRoot!.querySelectorAll<HTMLElement>('[part~="controls"] button')];
        expect(buttons.map((b) => b.getAttribute('part'))).to.include.members(['button mic', 'button camera', 'button leave']);
        const bar = el.shadowRoot!.querySelector('[part~="controls"]')!.getBoundingClientRect();
        for (const button of buttons) {
          const box = button.getBoundingClientRect();
          // Inside the bar's own box: a bar that scrolls sideways hides what lies past its edge.
          expect(box.left >= bar.left && box.right <= bar.right, `${button.getAttribute('part')} inside the bar at ${width}×${height}`).to.equal(true);
          expect(box.bottom, `${button.getAttribute('part')} at ${width}×${height}`).to.be.at.most(window.innerHeight);
          expect(box.right, `${button.getAttribute('part')} within the width`).to.be.at.most(window.innerWidth);
          expect(box.top, `${button.getAttribute('part')} in view`).to.be.at.least(0);
        }
        // Nothing overlaps in the bar.
        const boxes = buttons.map((b) => b.getBoundingClientRect());
        for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
          const [a, b] = [boxes[i], boxes[j]];
          expect(a.right <= b.left || b.right <= a.left || a.bottom <= b.top || b.bottom <= a.top, 'buttons apart').to.equal(true);
        }
        await el.leave();
        page.remove();
      }
    } finally {
      await setViewport({ width: 800, height: 600 });
    }
  });
});
