/** Elements as a site embeds them, joined on insert, and removed after each test. */
import { fixtureCleanup } from '@open-wc/testing';
import { brokerUrl } from './broker-url.js';
import '../../src/video-chat.js';
import type { VideoChat } from '../../src/element/video-chat.element.js';
import { nextEvent, uniqueRoom } from './helpers.js';

const created: VideoChat[] = [];

/** A joined-on-insert element on the test broker, with no STUN server (loopback only). */
export function visitor(room: string, name: string, extra: Record<string, string> = {}): VideoChat {
  const el = document.createElement('video-chat');
  el.setAttribute('room', room);
  el.setAttribute('broker', brokerUrl);
  el.setAttribute('name', name);
  el.setAttribute('ice-servers', '[]');
  el.setAttribute('autojoin', '');
  for (const [key, value] of Object.entries(extra)) el.setAttribute(key, value);
  el.style.width = '320px';
  created.push(el);
  return el;
}

export async function joinAll(...elements: VideoChat[]): Promise<void> {
  const joined = elements.map((el) => nextEvent(el, 'joined'));
  elements.forEach((el) => document.body.append(el));
  await Promise.all(joined);
}

/** Ada and Bob, in a fresh room, connected to each other. */
export async function connectedPair(extra: Record<string, string> = {}): Promise<[VideoChat, VideoChat]> {
  const room = uniqueRoom();
  const ada = visitor(room, 'Ada', extra);
  const bob = visitor(room, 'Bob', extra);
  const connected = Promise.all([nextEvent(ada, 'connected'), nextEvent(bob, 'connected')]);
  await joinAll(ada, bob);
  await connected;
  return [ada, bob];
}

/** Leaves and removes every element `visitor()` made; for `afterEach`. */
export async function removeVisitors(): Promise<void> {
  await Promise.all(created.splice(0).map(async (el) => {
    await el.leave();
    el.remove();
  }));
  fixtureCleanup();
}
