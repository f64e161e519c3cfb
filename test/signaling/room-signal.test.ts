import '../support/page-guard.js';
import { expect } from '@open-wc/testing';
import type { MqttClient } from 'mqtt';
import { openRoomChannel } from '../../src/signaling/channel.js';
import { RoomSignal } from '../../src/signaling/room-signal.js';
import { brokerUrl } from '../support/broker-url.js';
import { collectPageErrors, uniqueRoom, waitFor, withPageTimersStalled } from '../support/helpers.js';

describe('RoomSignal', () => {
  const NativeWebSocket = window.WebSocket;
  let opened: { url: string; at: number }[];

  beforeEach(() => {
    opened = [];
    window.WebSocket = class extends NativeWebSocket {
      constructor(url: string | URL, protocols?: string | string[]) {
        super(url, protocols);
        opened.push({ url: String(url), at: performance.now() });
      }
    };
  });
  afterEach(() => {
    window.WebSocket = NativeWebSocket;
  });

  it('asks a broker that refuses MQTT 5 once per page, at once and without an outage, then speaks 3.1.1 to it', async () => {
    // The test broker (aedes) speaks MQTT 3.1.1 only. This is the page's first connection to it.
    const outages: string[] = [];
    const first = new RoomSignal({ brokerUrls: [brokerUrl], channel: openRoomChannel(uniqueRoom('v5'), '') });
    first.addEventListener('unreachable', ({ detail }) => outages.push(detail.reason));
    const states: string[] = [];
    first.addEventListener('state', () => states.push(first.state));
    expect(await first.connect(new AbortController().signal)).to.equal(true);
    expect(opened, 'a 5, then a 3.1.1 connection').to.have.length(2);
    // Not a lost connection: no reconnecting state (which comes with the backoff), no outage.
    expect(states).to.deep.equal(['connecting', 'online']);
    expect(outages).to.deep.equal([]);
    await first.close();
    opened.length = 0;
    const second = new RoomSignal({ brokerUrls: [brokerUrl], channel: openRoomChannel(uniqueRoom('v5'), '') });
    expect(await second.connect(new AbortController().signal)).to.equal(true);
    expect(opened, 'straight to 3.1.1').to.have.length(1);
    await second.close();
  });

  for (const keysAfterMs of [0, 400]) {
    it(`opens its one broker socket while the room key is derived (key ready after ${keysAfterMs} ms)`, async () => {
      // The key arrives late: by then the socket is long open, and MQTT.js must still take it.
      const channel = new Promise<Awaited<ReturnType<typeof openRoomChannel>>>((resolve) => {
        setTimeout(() => resolve(openRoomChannel(uniqueRoom('early'), '')), keysAfterMs);
      });
      const startedAt = performance.now();
      const signal = new RoomSignal({ brokerUrls: [brokerUrl], channel });
      const online = signal.connect(new AbortController().signal);
      expect(opened, 'a socket before the key').to.have.length(1);
      expect(opened[0].at - startedAt).to.be.lessThan(50);
      expect(await online).to.equal(true);
      expect(signal.state).to.equal('online');
      expect(opened, 'no second socket').to.have.length(1);
      await signal.close();
    });
  }

  it('moves on to the next broker when the browser refuses to open a socket to one, throwing nothing', async () => {
    // Browsers throw from the WebSocket constructor for some URLs (here a #fragment); MQTT.js
    // opens sockets in its reconnect timer, where a throw would reach the page.
    const page = collectPageErrors();
    const refused = 'ws://127.0.0.1:9/mqtt#refused';
    const signal = new RoomSignal({ brokerUrls: [refused, brokerUrl], channel: openRoomChannel(uniqueRoom('refused'), '') });
    try {
      expect(await signal.connect(new AbortController().signal)).to.equal(true);
      expect(signal.brokerUrl).to.equal(brokerUrl);
      expect(opened.map((o) => o.url)).to.not.include(refused);
      expect(page.errors).to.deep.equal([]);
    } finally {
      page.stop();
      await signal.close();
    }
  });

  it('closes the early socket when leaving before the key is ready', async () => {
    let release: () => void = () => undefined;
    const channel = new Promise<Awaited<ReturnType<typeof openRoomChannel>>>((resolve) => {
      release = () => resolve(openRoomChannel(uniqueRoom('left'), ''));
    });
    const signal = new RoomSignal({ brokerUrls: [brokerUrl], channel });
    const abort = new AbortController();
    const sockets: WebSocket[] = [];
    window.WebSocket = class extends NativeWebSocket {
      constructor(url: string | URL, protocols?: string | string[]) {
        super(url, protocols);
        sockets.push(this);
      }
    };
    const joined = signal.connect(abort.signal);
    abort.abort();
    await signal.close();
    release();
    expect(await joined).to.equal(false);
    await waitFor(() => sockets.every((s) => s.readyState === WebSocket.CLOSED), 'the early socket closed');
  });

  it('keeps the broker connection alive on a clock a background tab does not slow down', async function () {
    this.timeout(20_000);
    const signal = new RoomSignal({ brokerUrls: [brokerUrl], channel: openRoomChannel(uniqueRoom('alive'), '') });
    try {
      expect(await signal.connect(new AbortController().signal)).to.equal(true);
      const { client } = signal as unknown as { client: MqttClient };
      const pings: number[] = [];
      const answers: number[] = [];
      const sendPing = client.sendPing.bind(client);
      client.sendPing = () => {
        pings.push(performance.now());
        sendPing();
      };
      client.on('packetreceive', (packet) => packet.cmd === 'pingresp' && answers.push(performance.now()));
      // The 60 s keepalive, shortened to 1 s so that a ping is due every second. MQTT.js would
      // keep it with the page's setInterval, which a background tab can slow to once a minute;
      // here it does not run at all.
      client.keepaliveManager!.setKeepalive(1);
      await withPageTimersStalled(3500, () => undefined, ['setInterval']);
      expect(pings.length, 'pings sent').to.be.at.least(2);
      expect(answers.length, 'pings answered').to.be.at.least(2);
      expect(signal.state).to.equal('online');
    } finally {
      await signal.close();
    }
  });

  it('reports clock-skew for a stale message in its own inbox, never for a stale announcement (anyone can replay an old one)', async function () {
    this.timeout(20_000);
    const room = uniqueRoom('skew');
    const adaChannel = openRoomChannel(room, '');
    const ada = new RoomSignal({ brokerUrls: [brokerUrl], channel: adaChannel });
    // Bob's clock is 15 minutes behind: as a replay of a visit of 15 minutes ago would be.
    const bobChannel = openRoomChannel(room, '', { clock: () => Date.now() - 15 * 60_000 });
    const bob = new RoomSignal({ brokerUrls: [brokerUrl], channel: bobChannel });
    const skews: number[] = [];
    const stale: string[] = [];
    ada.addEventListener('clock-skew', ({ detail }) => skews.push(detail.skewMs));
    ada.addEventListener('stale-announcement', ({ detail }) => stale.push(detail.from));
    try {
      expect(await ada.connect(new AbortController().signal)).to.equal(true);
      expect(await bob.connect(new AbortController().signal)).to.equal(true);
      const bobId = (await bobChannel).peerId;
      const adaId = (await adaChannel).peerId;
      bob.broadcast({ kind: 'hello', from: bobId, name: 'Bob', since: Date.now() - 15 * 60_000 });
      await waitFor(() => stale.length === 1, 'the stale announcement');
      expect(stale).to.deep.equal([bobId]);
      expect(skews, 'no report for an announcement').to.deep.equal([]);
      bob.sendTo({ kind: 'here', from: bobId, to: adaId, name: 'Bob' });
      await waitFor(() => skews.length === 1, 'clock-skew');
      expect(skews[0] / 60_000).to.be.closeTo(-15, 0.5);
    } finally {
      await Promise.all([ada.close(), bob.close()]);
    }
  });
});
