import '../support/page-guard.js';
import { expect } from '@open-wc/testing';
import { brokerUrl } from '../support/broker-url.js';
import '../../src/video-chat.js';
import type { VideoChat } from '../../src/element/video-chat.element.js';
import { collectPageErrors, expectRemoteFramesDecoding, nextEvent, uniqueRoom } from '../support/helpers.js';

const created: VideoChat[] = [];

function visitor(room: string, name: string, password: string): VideoChat {
  const el = document.createElement('video-chat');
  Object.assign(el, { room, broker: brokerUrl, name, iceServers: '[]', password, autojoin: true });
  created.push(el);
  return el;
}

afterEach(async () => {
  await Promise.all(created.splice(0).map(async (el) => {
    await el.leave();
    el.remove();
  }));
});

describe('<video-chat> with a password', () => {
  it('keeps a visitor with another password alone while the others talk, and tells it', async () => {
    const room = uniqueRoom();
    const pageErrors = collectPageErrors();
    const ada = visitor(room, 'Ada', 'right horse battery');
    const bob = visitor(room, 'Bob', 'right horse battery');
    const met = Promise.all([nextEvent(ada, 'connected'), nextEvent(bob, 'connected')]);
    document.body.append(ada, bob);
    await met;

    const eve = visitor(room, 'Eve', 'wrong guess');
    const eveConnections: string[] = [];
    eve.addEventListener('connected', (e) => eveConnections.push(e.detail.name));
    const othersSawEve: string[] = [];
    for (const el of [ada, bob]) el.addEventListener('connected', (e) => othersSawEve.push(e.detail.name));
    const told = nextEvent(eve, 'error', 10000);
    document.body.append(eve);
    expect((await told).detail.code).to.equal('wrong-password');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(eveConnections).to.deep.equal([]);
    expect(othersSawEve).to.deep.equal([]);
    expect(eve.peers).to.deep.equal([]);
    await Promise.all([expectRemoteFramesDecoding(ada), expectRemoteFramesDecoding(bob)]);
    pageErrors.stop();
    expect(pageErrors.errors).to.deep.equal([]);
  });

  it('takes a password a page script sets just after an autojoin element began joining, without leaving or asking for the camera again', async () => {
    const room = uniqueRoom();
    const ada = visitor(room, 'Ada', 'set from script');
    document.body.append(ada);
    await nextEvent(ada, 'joined');
    const originalGetUserMedia = navigator.mediaDevices.getUserMedia;
    let cameraRequests = 0;
    navigator.mediaDevices.getUserMedia = (constraints) => {
      cameraRequests++;
      return originalGetUserMedia.call(navigator.mediaDevices, constraints);
    };
    try {
      // As in the markup: the element upgrades and starts joining; the page's next script sets the password.
      const bob = visitor(room, 'Bob', '');
      const seen: string[] = [];
      for (const type of ['joined', 'left'] as const) bob.addEventListener(type, () => seen.push(type));
      bob.addEventListener('signaling-state', ({ detail }) => seen.push(`broker ${detail.state}`));
      document.body.append(bob);
      await bob.updateComplete;
      expect(bob.state).to.equal('joining');
      const met = nextEvent(ada, 'connected');
      // Twice, the second time while the first restart is under way: the last value wins.
      bob.password = 'a first guess';
      await bob.updateComplete;
      bob.password = 'set from script';
      expect((await met).detail.name).to.equal('Bob');
      expect(seen.filter((e) => e !== 'broker connecting' && e !== 'broker online'), 'a quiet restart').to.deep.equal(['joined']);
      expect(cameraRequests).to.equal(1);
    } finally {
      navigator.mediaDevices.getUserMedia = originalGetUserMedia;
    }
  });

  for (const how of ['join() while it starts over', 'leave() then join() while it starts over'] as const) {
    it(`ends up in the call after ${how}`, async () => {
      const room = uniqueRoom();
      const ada = visitor(room, 'Ada', 'pw');
      document.body.append(ada);
      await nextEvent(ada, 'joined');
      const bob = visitor(room, 'Bob', '');
      document.body.append(bob);
      await bob.updateComplete;
      bob.password = 'pw';
      await bob.updateComplete;
      if (how === 'leave() then join() while it starts over') await bob.leave();
      await bob.join();
      expect(bob.state).to.equal('joined');
      await nextEvent(ada, 'connected');
    });
  }

  it('meets the others after switching to the right password', async () => {
    const room = uniqueRoom();
    const ada = visitor(room, 'Ada', 'one');
    const bob = visitor(room, 'Bob', 'two');
    document.body.append(ada, bob);
    await Promise.all([nextEvent(ada, 'joined'), nextEvent(bob, 'joined')]);
    const met = nextEvent(ada, 'connected');
    bob.password = 'one';
    expect((await met).detail.name).to.equal('Bob');
  });
});
