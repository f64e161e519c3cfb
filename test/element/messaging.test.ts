import '../support/page-guard.js';
import { expect } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { connectedPair, joinAll, removeVisitors, visitor } from '../support/visitors.js';
import { uniqueRoom, waitFor } from '../support/helpers.js';
import type { VideoChat } from '../../src/element/video-chat.element.js';
import type { ChatDetail, MessageDetail } from '../../src/events.js';

afterEach(removeVisitors);

function collect<T>(el: VideoChat, type: 'message' | 'chat'): T[] {
  const seen: T[] = [];
  el.addEventListener(type, (event) => seen.push((event as CustomEvent<T>).detail));
  return seen;
}

describe('<video-chat> app data: send() and message', () => {
  it('delivers any JSON value to everyone or to one peer, naming the sender by its link', async () => {
    const room = uniqueRoom();
    const [ada, bob, cy] = [visitor(room, 'Ada'), visitor(room, 'Bob'), visitor(room, 'Cy')];
    const everyone = Promise.all([ada, bob, cy].map((el) => waitFor(() => el.peers.length === 2, `${el.name} meets both`)));
    await joinAll(ada, bob, cy);
    await everyone;
    const atBob = collect<MessageDetail>(bob, 'message');
    const atCy = collect<MessageDetail>(cy, 'message');
    const adaId = bob.peers.find((p) => p.name === 'Ada')!.peerId;
    const bobId = ada.peers.find((p) => p.name === 'Bob')!.peerId;
    // Fields that pretend to be someone else change nothing: the sender is the link's peer.
    await ada.send({ hello: 'all', peerId: 'forged', name: 'Mallory', list: [1, 2, 3] });
    await ada.send('just Bob', bobId);
    await waitFor(() => atBob.length === 2 && atCy.length === 1, 'the messages');
    expect(atBob[0]).to.deep.equal({ peerId: adaId, name: 'Ada', data: { hello: 'all', peerId: 'forged', name: 'Mallory', list: [1, 2, 3] } });
    expect(atBob[1]).to.deep.equal({ peerId: adaId, name: 'Ada', data: 'just Bob' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(atCy.map((m) => m.data), 'Cy gets only what was sent to everyone').to.deep.equal([{ hello: 'all', peerId: 'forged', name: 'Mallory', list: [1, 2, 3] }]);
  });

  it('rejects with a clear error what it cannot send, and sends nothing', async () => {
    const [ada, bob] = await connectedPair();
    const atBob = collect<MessageDetail>(bob, 'message');
    const rejection = async (promise: Promise<void>) => promise.then(() => 'resolved', (error: Error) => error.message);
    expect(await rejection(ada.send('x'.repeat(64 * 1024)))).to.match(/64 KiB/);
    expect(await rejection(ada.send({ big: 10n }))).to.match(/JSON/);
    expect(await rejection(ada.send(undefined))).to.match(/JSON/);
    expect(await rejection(ada.send('hi', 'not-a-peer'))).to.match(/no peer/);
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(await rejection(ada.send(cycle))).to.match(/JSON/);
    await ada.send('x'.repeat(64 * 1024 - 2)); // exactly 64 KiB as JSON, quotes included
    await waitFor(() => atBob.length === 1, 'the largest message allowed');
    expect((atBob[0].data as string).length).to.equal(64 * 1024 - 2);
  });
});

describe('<video-chat> chat', () => {
  it('sends on Enter, shows name, time and text (as text) on both sides, counts unread, and fires chat', async () => {
    const [ada, bob] = await connectedPair();
    const atAda = collect<ChatDetail>(ada, 'chat');
    const atBob = collect<ChatDetail>(bob, 'chat');
    const button = (el: VideoChat, part: string) => el.shadowRoot!.querySelector<HTMLButtonElement>(`[part~="button"][part~="${part}"]`)!;
    button(ada, 'chat').click();
    await ada.updateComplete;
    const input = ada.shadowRoot!.querySelector<HTMLInputElement>('[part~="chat-panel"] input[name="message"]')!;
    expect(ada.shadowRoot!.activeElement, 'the field has focus').to.equal(input);
    const hostile = '<img src=x onerror="window.pwned=1">Hi \u202Eevil\u202C\u0007 Bob';
    input.value = hostile;
    await sendKeys({ press: 'Enter' });
    await waitFor(() => atBob.length === 1, 'Bob gets the message');
    expect(input.value, 'the field is cleared').to.equal('');
    const cleaned = '<img src=x onerror="window.pwned=1">Hi evil Bob';
    expect(atBob[0]).to.include({ name: 'Ada', text: cleaned });
    expect(atBob[0].peerId).to.equal(bob.peers[0].peerId);
    expect(Math.abs(atBob[0].time - Date.now())).to.be.below(5000);
    expect(atAda.map((m) => m.text), 'the sender gets its own message too').to.deep.equal([cleaned]);
    // Bob's panel is closed: the button counts the unread message.
    await bob.updateComplete;
    expect(button(bob, 'chat').getAttribute('aria-label')).to.equal('Chat (1 unread)');
    expect(bob.shadowRoot!.querySelector('[part~="unread"]')?.textContent?.trim()).to.equal('1');
    button(bob, 'chat').click();
    await bob.updateComplete;
    const items = [...bob.shadowRoot!.querySelectorAll('[part~="chat-panel"] [role="log"] li')];
    expect(items).to.have.length(1);
    expect(items[0].querySelector('p')!.textContent).to.equal(cleaned);
    expect(items[0].querySelector('img'), 'never parsed as HTML').to.equal(null);
    expect(items[0].querySelector('.who')!.textContent).to.equal('Ada');
    expect((window as { pwned?: number }).pwned).to.equal(undefined);
    expect(button(bob, 'chat').getAttribute('aria-label')).to.equal('Chat');
    // sendChat() from script, bounded to 2,000 characters.
    bob.sendChat('y'.repeat(5000));
    await waitFor(() => atAda.length === 2, 'Bob\'s long message');
    expect(atAda[1].text).to.have.length(2000);
  });

  it('keeps chat apart from send(): neither lane delivers the other\'s messages', async () => {
    const [ada, bob] = await connectedPair();
    const chats = collect<ChatDetail>(bob, 'chat');
    const messages = collect<MessageDetail>(bob, 'message');
    await ada.send({ text: 'app data that looks like chat' });
    ada.sendChat('a chat message');
    await waitFor(() => chats.length === 1 && messages.length === 1, 'one of each');
    expect(chats[0].text).to.equal('a chat message');
    expect(messages[0].data).to.deep.equal({ text: 'app data that looks like chat' });
  });
});

describe('<video-chat> a hostile peer on the message lanes', () => {
  it('refuses a flood, oversized and malformed messages with one error each, and keeps the call', async () => {
    const [ada, bob] = await connectedPair();
    const messages = collect<MessageDetail>(bob, 'message');
    const errors: string[] = [];
    bob.addEventListener('error', ({ detail }) => errors.push(`${detail.code}/${detail.reason}`));
    // Ada's page turned hostile: it writes straight to the app lane's channel.
    type Internals = { controller: { call: { currentVisit: { peerMesh: { link(id: string): { connection: RTCPeerConnection; messaging: { channels: Map<string, RTCDataChannel> } } } } } } };
    const bobId = ada.peers[0].peerId;
    const channel = (ada as unknown as Internals).controller.call.currentVisit.peerMesh.link(bobId).messaging.channels.get('app')!;
    // The peers count as connected when ICE does; the data channel opens a moment later.
    await waitFor(() => channel.readyState === 'open', 'the app lane open');
    channel.send('{not json');
    channel.send(JSON.stringify('z'.repeat(70 * 1024)));
    for (let i = 0; i < 1000; i++) channel.send(JSON.stringify(i));
    await waitFor(() => errors.length === 3, 'three errors', 5000);
    expect(errors.sort()).to.deep.equal(['message-refused/flooding', 'message-refused/malformed', 'message-refused/too-large']);
    await new Promise((resolve) => setTimeout(resolve, 300));
    // The burst, plus what the rate refills while the thousand arrive; the rest dropped.
    expect(messages.length, "the burst allowed, the rest dropped").to.be.within(95, 200);
    expect(bob.peers).to.have.length(1);
    // Once the peer calms down, its messages are delivered again.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await ada.send('calm');
    await waitFor(() => messages.at(-1)?.data === 'calm', 'a later message');
    expect(errors, 'still one error per reason').to.have.length(3);
  });
});

describe('<video-chat> a chat flood within the app lane\'s limits', () => {
  it('takes chat at a typist\'s rate: of 50 messages of 8 KiB at once, four, and one error', async () => {
    const [ada, bob] = await connectedPair();
    const chats = collect<{ text: string }>(bob, 'chat');
    const errors: string[] = [];
    bob.addEventListener('error', ({ detail }) => errors.push(`${detail.code}/${detail.reason}`));
    type Internals = { controller: { call: { currentVisit: { peerMesh: { link(id: string): { messaging: { channels: Map<string, RTCDataChannel> } } } } } } };
    const channel = (ada as unknown as Internals).controller.call.currentVisit.peerMesh.link(ada.peers[0].peerId).messaging.channels.get('chat')!;
    await waitFor(() => channel.readyState === 'open', 'the chat lane open');
    // Each within the chat's size limit (8 KiB as JSON), a second's worth at app data's rate.
    for (let i = 0; i < 50; i++) channel.send(JSON.stringify({ text: `${i} ${'z'.repeat(8000)}` }));
    await waitFor(() => errors.length === 1, 'the flood refused', 5000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(errors).to.deep.equal(['message-refused/flooding']);
    // Four at once by bytes, and one a second that the rate refills while they arrive (on a
    // starved machine, a few seconds).
    expect(chats.length, 'chat messages shown').to.be.within(4, 8);
    expect(bob.peers).to.have.length(1);
  });
});

describe('<video-chat> messages before the channel opens', () => {
  it('queues what is sent to a peer still connecting and delivers it in order', async () => {
    const room = uniqueRoom();
    const ada = visitor(room, 'Ada');
    const bob = visitor(room, 'Bob');
    await joinAll(ada);
    const atBob = collect<MessageDetail>(bob, 'message');
    // The moment Ada has a link to Bob (offer or answer under way, not yet connected), she sends.
    // (Polling for the link can miss that moment: a pair may connect between two looks.)
    type Mesh = { peers: unknown[]; createLink(...args: unknown[]): unknown };
    type Internals = { controller: { call: { currentVisit: { peerMesh: Mesh } } } };
    const mesh = (ada as unknown as Internals).controller.call.currentVisit.peerMesh;
    const createLink = mesh.createLink.bind(mesh);
    let connectedWhenSent: number | undefined;
    const sends: Promise<void>[] = [];
    mesh.createLink = (...args: unknown[]) => {
      const link = createLink(...args);
      connectedWhenSent ??= mesh.peers.length;
      // send() hands each message to the link before its first await: in order, right now.
      if (sends.length === 0) for (let i = 0; i < 20; i++) sends.push(ada.send(i));
      return link;
    };
    document.body.append(bob);
    await waitFor(() => sends.length === 20, 'Ada\'s link to Bob', 15000);
    await Promise.all(sends);
    expect(connectedWhenSent, 'not connected yet').to.equal(0);
    await waitFor(() => atBob.length === 20, 'all twenty');
    expect(atBob.map((m) => m.data)).to.deep.equal([...Array(20).keys()]);
  });
});
