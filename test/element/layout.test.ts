import '../support/page-guard.js';
import { expect } from '@open-wc/testing';
import { setViewport } from '@web/test-runner-commands';
import { removeVisitors, visitor } from '../support/visitors.js';
import { nextEvent, remoteTiles, uniqueRoom, waitFor } from '../support/helpers.js';
import type { VideoChat } from '../../src/element/video-chat.element.js';
import { RemoteParticipant } from '../../src/call/participant.js';

/**
 * The element lives in the box the page gives it: tiles, spotlight and control bar inside it, the
 * bar over no tile, every tile of a usable size. Real visitors in one page: the one measured, the
 * others off to the side with their cameras off (the layout is the same, the machine spared the
 * encoders). Six or eight real visitors in one page do not connect on this machine's two cores:
 * there, three are real and the others stand-ins, participants with no connection, for the
 * element's layout only.
 */

/** Visitors in one page that really connect; stand-ins make up the rest. */
const REAL_VISITORS = 3;

/** The least size of a tile (a 7rem 16:9 thumbnail): a face still recognisable, its name readable. */
const USABLE = { width: 112, height: 63 };

interface Frame {
  name: string;
  viewport: { width: number; height: number };
  /** The element's style on a page with a heading above it. */
  style: string;
}

const FRAMES: Frame[] = [
  { name: '1280×800 under a heading, the height left to the element', viewport: { width: 1280, height: 800 }, style: '' },
  { name: 'an 800×500 box', viewport: { width: 1280, height: 800 }, style: 'width: 800px; height: 500px' },
  { name: '390×844, 100% wide and 600px high', viewport: { width: 390, height: 844 }, style: 'width: 100%; height: 600px' },
];

let page: HTMLElement | undefined;
let others: HTMLElement | undefined;

afterEach(async () => {
  await removeVisitors();
  page?.remove();
  others?.remove();
  await setViewport({ width: 800, height: 600 });
});

/** `n` visitors in a room: Ada under a page heading, the others off the page, all linked to Ada. */
async function room(n: number): Promise<VideoChat> {
  const name = uniqueRoom('layout');
  page = document.createElement('div');
  page.innerHTML = '<h1 style="margin: 16px 0">Team meeting</h1>';
  others = document.createElement('div');
  others.style.cssText = 'position: absolute; left: -4000px; top: 0; width: 320px';
  document.body.append(page, others);
  const ada = visitor(name, 'Ada');
  ada.removeAttribute('style');
  const joined = nextEvent(ada, 'joined');
  page.append(ada);
  await joined;
  const real = Math.min(n, REAL_VISITORS);
  const rest = Array.from({ length: real - 1 }, (_, i) => visitor(name, `Visitor ${i + 2}`, { 'camera-off': '', muted: '' }));
  await Promise.all(rest.map((el) => {
    const entered = nextEvent(el, 'joined');
    others!.append(el);
    return entered;
  }));
  await waitFor(() => remoteTiles(ada).length === real - 1 && ada.peers.length === real - 1, `${real - 1} remote tiles`, 60000);
  if (n > real) {
    type Internals = { controller: { call: { participants: RemoteParticipant[] } } };
    const { call } = (ada as unknown as Internals).controller;
    const connected = call.participants;
    const standIns = Array.from({ length: n - real }, (_, i) => new RemoteParticipant(`stand-in-${i}`, `Visitor ${real + i + 1}`));
    Object.defineProperty(call, 'participants', { configurable: true, get: () => [...connected, ...standIns] });
    ada.requestUpdate();
    await waitFor(() => remoteTiles(ada).length === n - 1, `${n - 1} remote tiles`);
  }
  return ada;
}

/** Resolves once the element has been measured and drawn at its present size. */
async function settled(el: VideoChat): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
    await el.updateComplete;
  }
}

const inside = (inner: DOMRect, outer: DOMRect) =>
  inner.left >= outer.left - 0.5 && inner.top >= outer.top - 0.5 && inner.right <= outer.right + 0.5 && inner.bottom <= outer.bottom + 0.5;
const apart = (a: DOMRect, b: DOMRect) => a.right <= b.left + 0.5 || b.right <= a.left + 0.5 || a.bottom <= b.top + 0.5 || b.bottom <= a.top + 0.5;
const show = (r: DOMRect) => `${Math.round(r.width)}×${Math.round(r.height)} at ${Math.round(r.left)},${Math.round(r.top)}`;

/** Checks every promise of the layout in `el` as it is now drawn; returns the tiles' rectangles. */
function expectInItsBox(el: VideoChat, what: string): DOMRect[] {
  const box = el.getBoundingClientRect();
  const root = el.shadowRoot!;
  const tiles = [...root.querySelectorAll<HTMLElement>('[part~="tile"]')];
  const bar = root.querySelector('[part~="controls"]')!.getBoundingClientRect();
  expect(inside(bar, box), `${what}: the bar ${show(bar)} inside the element ${show(box)}`).to.equal(true);
  const floating = root.querySelector('[part~="grid"]')!.classList.contains('duo');
  const rects = tiles.map((tile) => tile.getBoundingClientRect());
  rects.forEach((rect, i) => {
    const label = `${what}: tile ${i + 1} ${show(rect)}`;
    expect(inside(rect, box), `${label} inside the element ${show(box)}`).to.equal(true);
    expect(apart(rect, bar), `${label} apart from the bar ${show(bar)}`).to.equal(true);
    expect(rect.width >= USABLE.width && rect.height >= USABLE.height, `${label} at least ${USABLE.width}×${USABLE.height}`).to.equal(true);
  });
  // Tiles never overlap, but for one's own picture floating over the other visitor's on a phone.
  for (let i = 0; i < rects.length; i++) for (let j = i + 1; j < rects.length && !floating; j++) {
    expect(apart(rects[i], rects[j]), `${what}: tiles ${i + 1} ${show(rects[i])} and ${j + 1} ${show(rects[j])} apart`).to.equal(true);
  }
  return rects;
}

async function expectEveryFrame(ada: VideoChat, n: number): Promise<void> {
  for (const frame of FRAMES) {
    await setViewport(frame.viewport);
    ada.setAttribute('style', frame.style);
    await settled(ada);
    const what = `${n} visitors, ${frame.name}`;
    expectInItsBox(ada, what);
    if (!frame.style) {
      // The height left to the element: it fits the window below the heading, bar included.
      const bar = ada.shadowRoot!.querySelector('[part~="controls"]')!.getBoundingClientRect();
      expect(bar.bottom, `${what}: the bar in the window`).to.be.at.most(window.innerHeight);
      expect(ada.getBoundingClientRect().bottom, `${what}: the element in the window`).to.be.at.most(window.innerHeight);
    }
    // One tile large, the others beside or below it: the same promises.
    ada.pin(ada.peers[0].peerId);
    await settled(ada);
    expectInItsBox(ada, `${what}, a visitor pinned`);
    ada.pin(null);
  }
}

describe('<video-chat> in the box a page gives it', function () {
  this.timeout(120000);

  for (const n of [2, 3, 6, 8]) {
    it(`keeps ${n} visitors' tiles and the bar inside it, apart, at a usable size: at 1280×800, in 800×500, at 390×844`, async () => {
      const ada = await room(n);
      await expectEveryFrame(ada, n);
    });
  }

  it('shows two columns, or one visitor over the other, at phone width', async () => {
    const ada = await room(3);
    await setViewport({ width: 390, height: 844 });
    ada.setAttribute('style', 'width: 100%; height: 600px');
    await settled(ada);
    const rects = expectInItsBox(ada, '3 visitors at 390×844');
    // Two columns: no tile wider than half the element (three stacked ones would be letterboxes).
    expect(Math.max(...rects.map((r) => r.width)), 'the widest tile').to.be.at.most(ada.getBoundingClientRect().width / 2);
  });
});
