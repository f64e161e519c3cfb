import '../support/page-guard.js';
import { expect } from '@open-wc/testing';
import { looksGuessable, randomRoomName } from '../../src/call/room-names.js';
import { VideoChat } from '../../src/element/video-chat.element.js';
import { VideoCall } from '../../src/call/video-call.js';
import { brokerUrl } from '../support/broker-url.js';

describe('room names', () => {
  it('makes unguessable names, readable and safe in a URL', () => {
    const names = Array.from({ length: 1000 }, () => VideoChat.randomRoom());
    expect(new Set(names).size).to.equal(1000);
    for (const name of names) {
      expect(name).to.match(/^[a-km-np-z2-9]{5}(-[a-km-np-z2-9]{5}){3}$/);
      expect(encodeURIComponent(name)).to.equal(name);
      expect(looksGuessable(name), name).to.equal(false);
    }
    // Every character of the alphabet turns up: the randomness is spread over all 32.
    expect(new Set(names.join('').replace(/-/g, '')).size).to.equal(32);
    expect(randomRoomName()).to.have.length(23);
  });

  it('flags names that look guessable and passes random ones', () => {
    for (const name of ['team-standup', 'Standup', 'family call', 'Zürich', 'room1', 'abc123', 'meeting_2026-12-02']) {
      expect(looksGuessable(name), name).to.equal(true);
    }
    for (const name of ['k7mq2-xv9ta-3nhpe-wq4rc', 'f3c9a1e0-7b2d-4c55-9e1a-2d3b4c5d6e7f', 'Xq8#pL2!vR9$wT4&']) {
      expect(looksGuessable(name), name).to.equal(false);
    }
  });

  it('warns the site once per guessable room joined without a password, never with one', async () => {
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (...args: unknown[]) => warnings.push(args.join(' '));
    const room = `standup ${Array.from(crypto.getRandomValues(new Uint8Array(4)), (b) => String.fromCharCode(97 + (b % 26))).join('')}`;
    try {
      for (const password of ['s3cret', '', '']) {
        const call = new VideoCall();
        call.configure({ room, password, broker: brokerUrl, iceServers: '[]' });
        const joining = new Promise<void>((resolve) => call.addEventListener('state', () => call.state === 'joining' && resolve()));
        void call.join();
        await joining;
        await call.leave();
      }
    } finally {
      console.warn = warn;
    }
    const about = warnings.filter((w) => w.includes(`"${room}"`));
    expect(about).to.have.length(1);
    expect(about[0]).to.include('VideoChat.randomRoom()');
  });
});
