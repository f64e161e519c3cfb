import '../support/page-guard.js';
import { expect, fixture, html } from '@open-wc/testing';
import { setViewport } from '@web/test-runner-commands';
import { brokerUrl } from '../support/broker-url.js';
import '../../src/video-chat.js';
import type { VideoChat } from '../../src/element/video-chat.element.js';
import { browserFamily } from '../../src/element/prejoin-controller.js';
import { english } from '../../src/element/strings.js';
import { nextEvent, uniqueRoom, waitFor } from '../support/helpers.js';

const NAME_KEY = 'video-chat-element:name';

function part<T extends HTMLElement = HTMLElement>(el: VideoChat, selector: string): T | null {
  return el.shadowRoot!.querySelector<T>(selector);
}

function prejoinButton(el: VideoChat, name: 'mic' | 'camera'): HTMLButtonElement {
  return part<HTMLButtonElement>(el, `[part~="prejoin"] [part~="button"][part~="${name}"]`)!;
}

function shownLevel(el: VideoChat): number {
  return Number(part(el, '[part~="level"]')?.style.getPropertyValue('--level') || 0);
}

function nameField(el: VideoChat): HTMLInputElement {
  return part<HTMLInputElement>(el, '[part~="prejoin"] input')!;
}

function typeName(el: VideoChat, name: string): void {
  const field = nameField(el);
  field.value = name;
  field.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
}

describe('<video-chat> pre-join view', () => {
  beforeEach(() => localStorage.removeItem(NAME_KEY));
  afterEach(() => localStorage.removeItem(NAME_KEY));

  it('fills its box with the preview: most of a wide element, the whole width of a phone', async () => {
    try {
      for (const [width, height, share] of [[1280, 800, 0.6], [390, 844, 0.9]]) {
        await setViewport({ width, height });
        const el = await fixture<VideoChat>(html`<video-chat style="min-height: 480px" room=${uniqueRoom()} broker=${brokerUrl} ice-servers="[]"></video-chat>`);
        await waitFor(() => !!el.localStream?.getVideoTracks()[0], 'the preview');
        await el.updateComplete;
        const preview = part(el, '[part~="prejoin"] [part~="local"]')!.getBoundingClientRect();
        const box = el.getBoundingClientRect();
        // Before: a 480 px column, 192 px on a phone-sized element's preview in a large empty box.
        expect(preview.width, `preview width at ${width}×${height}`).to.be.at.least(box.width * share);
        expect(preview.bottom, 'the preview in view').to.be.at.most(window.innerHeight);
        const join = part(el, '[part~="join"]')!.getBoundingClientRect();
        expect(join.bottom, 'Join in view').to.be.at.most(window.innerHeight);
        // The toggles sit over the preview, inside it.
        for (const name of ['mic', 'camera'] as const) {
          const toggle = prejoinButton(el, name).getBoundingClientRect();
          expect(toggle.top >= preview.top && toggle.bottom <= preview.bottom && toggle.left >= preview.left && toggle.right <= preview.right, `${name} over the preview`).to.equal(true);
        }
        await el.leave();
        el.remove();
      }
    } finally {
      await setViewport({ width: 800, height: 600 });
    }
  });

  it('has mic and camera toggles that set muted and camera-off before joining, and they carry into the call', async () => {
    const el = await fixture<VideoChat>(html`<video-chat room=${uniqueRoom()} broker=${brokerUrl} ice-servers="[]"></video-chat>`);
    await waitFor(() => !!el.localStream?.getAudioTracks()[0] && !!el.localStream?.getVideoTracks()[0], 'the preview');
    await el.updateComplete;
    expect(prejoinButton(el, 'mic').getAttribute('aria-pressed')).to.equal('false');
    prejoinButton(el, 'mic').click();
    prejoinButton(el, 'camera').click();
    await el.updateComplete;
    expect(el.hasAttribute('muted'), 'muted attribute').to.equal(true);
    expect(el.hasAttribute('camera-off'), 'camera-off attribute').to.equal(true);
    expect(prejoinButton(el, 'mic').getAttribute('aria-pressed')).to.equal('true');
    expect(prejoinButton(el, 'camera').getAttribute('aria-pressed')).to.equal('true');
    expect(el.localStream!.getAudioTracks()[0].enabled, 'microphone track').to.equal(false);
    // The preview shows the initials the others will see.
    expect(part(el, '[part~="prejoin"] [part~="avatar"]'), 'initials over the preview').to.exist;
    await el.join();
    await el.updateComplete;
    const inCall = (name: string) => part<HTMLButtonElement>(el, `[part~="controls"] [part~="${name}"]`)!;
    expect(inCall('mic').getAttribute('aria-pressed'), 'muted in the call').to.equal('true');
    expect(inCall('camera').getAttribute('aria-pressed'), 'camera off in the call').to.equal('true');
    expect(el.localStream!.getAudioTracks()[0].enabled).to.equal(false);
    expect(el.localStream!.getVideoTracks()[0].enabled).to.equal(false);
    await el.leave();
  });

  it('reflects muted and camera-off set by the page before joining', async () => {
    const el = await fixture<VideoChat>(html`<video-chat room=${uniqueRoom()} broker=${brokerUrl} ice-servers="[]" muted></video-chat>`);
    await waitFor(() => !!el.localStream?.getAudioTracks()[0], 'the preview');
    await el.updateComplete;
    expect(prejoinButton(el, 'mic').getAttribute('aria-pressed')).to.equal('true');
    el.setAttribute('camera-off', '');
    await el.updateComplete;
    expect(prejoinButton(el, 'camera').getAttribute('aria-pressed')).to.equal('true');
    el.removeAttribute('muted');
    await el.updateComplete;
    expect(prejoinButton(el, 'mic').getAttribute('aria-pressed')).to.equal('false');
    await el.leave();
  });

  it("shows the microphone's live level while previewing, and stops metering when muted and once joined", async () => {
    // Count Web Audio contexts made and closed: the meter must not outlive the preview.
    const made: AudioContext[] = [];
    const closed = new Set<AudioContext>();
    const { createAnalyser, close } = AudioContext.prototype;
    AudioContext.prototype.createAnalyser = function (this: AudioContext) {
      made.push(this);
      return createAnalyser.call(this);
    };
    AudioContext.prototype.close = function (this: AudioContext) {
      closed.add(this);
      return close.call(this);
    };
    try {
      const el = await fixture<VideoChat>(html`<video-chat room=${uniqueRoom()} broker=${brokerUrl} ice-servers="[]"></video-chat>`);
      // The fake microphone beeps once a second.
      await waitFor(() => shownLevel(el) > 0.2, 'a level above 0.2 on the meter', 15000);
      expect(made.length, 'one meter').to.equal(1);
      el.muted = true;
      await el.updateComplete;
      await waitFor(() => closed.has(made[0]), 'the meter stopped while muted');
      expect(shownLevel(el), 'level while muted').to.equal(0);
      el.muted = false;
      await waitFor(() => shownLevel(el) > 0.2, 'the level again once unmuted', 15000);
      expect(made.length, 'a new meter once unmuted').to.equal(2);
      await el.join();
      await el.updateComplete;
      expect(part(el, '[part~="level"]'), 'no meter in the call').to.equal(null);
      await waitFor(() => made.every((context) => closed.has(context)), 'every meter stopped once joined');
      await el.leave();
    } finally {
      AudioContext.prototype.createAnalyser = createAnalyser;
      AudioContext.prototype.close = close;
    }
  });

  it('calls a visitor without a name "Guest" and four digits, and the others see that name', async () => {
    const room = uniqueRoom();
    const ada = await fixture<VideoChat>(html`<video-chat room=${room} broker=${brokerUrl} ice-servers="[]"></video-chat>`);
    const bob = await fixture<VideoChat>(html`<video-chat room=${room} broker=${brokerUrl} ice-servers="[]"></video-chat>`);
    const placeholder = nameField(ada).placeholder;
    expect(placeholder).to.match(/^Guest \d{4}$/);
    expect(part(ada, '[part~="local"] [part~="name"]')!.textContent).to.contain(`${placeholder} (you)`);
    expect(ada.name, 'the name attribute stays the page\'s').to.equal('');
    const connected = nextEvent(bob, 'connected', 30000);
    await ada.join();
    await bob.join();
    expect((await connected).detail.name).to.equal(placeholder);
    await Promise.all([ada.leave(), bob.leave()]);
  });

  it('remembers a typed name for this site, and a name set by the page wins over it', async () => {
    const first = await fixture<VideoChat>(html`<video-chat room=${uniqueRoom()} broker=${brokerUrl} ice-servers="[]"></video-chat>`);
    typeName(first, 'Grace Hopper');
    await first.updateComplete;
    expect(first.name).to.equal('Grace Hopper');
    expect(localStorage.getItem(NAME_KEY), 'not kept before joining').to.equal(null);
    // Enter in the name field joins, as the Join button does.
    const joined = nextEvent(first, 'joined');
    nameField(first).dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, composed: true }));
    await joined;
    expect(localStorage.getItem(NAME_KEY)).to.equal('Grace Hopper');
    await first.leave();

    const next = await fixture<VideoChat>(html`<video-chat room=${uniqueRoom()} broker=${brokerUrl} ice-servers="[]"></video-chat>`);
    expect(nameField(next).value, 'the next visit starts with it').to.equal('Grace Hopper');
    expect(next.name).to.equal('Grace Hopper');
    await next.leave();

    const named = await fixture<VideoChat>(html`<video-chat room=${uniqueRoom()} broker=${brokerUrl} ice-servers="[]" name="Ada"></video-chat>`);
    expect(nameField(named).value, 'the page\'s name').to.equal('Ada');
    await named.leave();

    // A visitor who clears the field and joins goes back to being a guest next time.
    const clearing = await fixture<VideoChat>(html`<video-chat room=${uniqueRoom()} broker=${brokerUrl} ice-servers="[]"></video-chat>`);
    typeName(clearing, '');
    await clearing.join();
    expect(localStorage.getItem(NAME_KEY)).to.equal(null);
    await clearing.leave();
  });

  it('says where to allow camera and microphone when the browser refused them, in this browser', async () => {
    const { getUserMedia } = MediaDevices.prototype;
    MediaDevices.prototype.getUserMedia = () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
    try {
      const el = document.createElement('video-chat');
      const error = nextEvent(el, 'error');
      Object.assign(el, { room: uniqueRoom(), broker: brokerUrl, iceServers: '[]' });
      document.body.append(el);
      const { detail } = await error;
      expect(detail.code).to.equal('media-denied');
      expect(detail.reason).to.equal('camera-and-microphone');
      await el.updateComplete;
      const note = part(el, '[part~="prejoin"] [part~="media-blocked"]')!;
      expect(note, 'the note over the preview').to.exist;
      expect(note.getAttribute('role')).to.equal('alert');
      // This test's browser is Chromium.
      expect(note.textContent).to.contain(english.mediaBlocked('camera-and-microphone'));
      expect(note.textContent).to.contain(english.mediaBlockedHelp('chrome', 'camera-and-microphone', location.host));
      // Said once: not again in the status line below.
      expect(part(el, '.status')?.textContent ?? '').not.to.contain(detail.message);
      await waitFor(() => prejoinButton(el, 'mic').disabled && prejoinButton(el, 'camera').disabled, 'the toggles disabled: nothing to toggle');
      expect(part<HTMLButtonElement>(el, '[part~="join"]')!.disabled, 'still free to join, receive-only').to.equal(false);
      await el.leave();
      el.remove();
    } finally {
      MediaDevices.prototype.getUserMedia = getUserMedia;
    }
  });

  it('knows each browser by its user agent, and names each one\'s place to allow camera and microphone', () => {
    const agents: Record<string, [string, number?]> = {
      chrome: ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36'],
      edge: ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0'],
      firefox: ['Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0'],
      safari: ['Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15'],
      'safari-ios': ['Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1'],
      other: ['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/605.1.15 (KHTML, like Gecko) Epiphany/605.1.15'],
    };
    for (const [family, [agent, touch]] of Object.entries(agents)) expect(browserFamily(agent, touch), family).to.equal(family);
    // iPadOS says it is a Mac; it has touch points.
    expect(browserFamily(agents.safari[0], 5)).to.equal('safari-ios');
    const help = (family: Parameters<typeof english.mediaBlockedHelp>[0]) => english.mediaBlockedHelp(family, 'camera', 'example.org');
    expect(help('chrome')).to.contain('site settings icon');
    expect(help('edge')).to.contain('Permissions for this site');
    expect(help('firefox')).to.contain('crossed-out camera icon');
    expect(help('safari')).to.contain('Settings for example.org');
    expect(help('safari-ios')).to.contain('Website Settings');
  });

  it('names WebRTC, not https, when a secure page has no RTCPeerConnection: before Join, and in the error join() fires', async () => {
    const original = window.RTCPeerConnection;
    Object.defineProperty(window, 'RTCPeerConnection', { value: undefined, configurable: true, writable: true });
    try {
      const el = await fixture<VideoChat>(html`<video-chat room=${uniqueRoom()} broker=${brokerUrl} ice-servers="[]"></video-chat>`);
      const note = part(el, '[part~="prejoin"] [part~="unsupported"]');
      expect(note, 'said in the pre-join view').to.exist;
      expect(note!.textContent).to.contain('no WebRTC');
      expect(part<HTMLButtonElement>(el, '[part~="join"]')!.disabled, 'Join disabled').to.equal(true);
      await waitFor(() => !!el.localStream, 'the preview, which needs no WebRTC');
      const error = nextEvent(el, 'error');
      await el.join();
      const { detail } = await error;
      expect(detail.code).to.equal('unsupported');
      expect(detail.reason).to.equal('no-webrtc');
      expect(detail.message).to.equal(note!.textContent);
      expect(detail.message).not.to.contain('https');
      await el.leave();
    } finally {
      Object.defineProperty(window, 'RTCPeerConnection', { value: original, configurable: true, writable: true });
    }
  });
});
