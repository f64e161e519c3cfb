// MQTT.js as the drop-in bundle carries it (with the shims in scripts/mqtt-browser/), driven through
// the paths a calm two-visitor call never takes: leaving, a broker killed and restarted, leaving
// while it reconnects, leaving while the first connection is still being made, a 1 MB message
// (refused by an MQTT 5 broker's Maximum Packet Size, taken in and dropped over MQTT 3.1.1).
// support.mjs fails each test on any uncaught error or unhandled rejection in any page.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { describe, it } from 'node:test';
import mqtt from 'mqtt';
import { startAedes, startMosquitto } from '../../scripts/brokers.mjs';
import { expectDecoding, openLivePair, openVisitor, useServerAndBrowser, waitUntil } from './support.mjs';

const room = (label) => `${label}-${Math.random().toString(36).slice(2, 8)}`;
const signalingState = (page) => page.evaluate(() => document.querySelector('video-chat').signalingState);
const callState = (page) => page.evaluate(() => document.querySelector('video-chat').state);
const leave = (page) => page.evaluate(() => document.querySelector('video-chat').leave());

describe("MQTT.js's less-travelled paths in the bundle", () => {
  const fixture = useServerAndBrowser();

  it('leaves a call (the WebSocket stream is flushed and ended)', async () => {
    const broker = await startMosquitto();
    try {
      const [ada, bob] = await openLivePair(fixture, room('leave'), broker.url);
      await leave(ada.page);
      assert.equal(await callState(ada.page), 'left');
      await waitUntil(bob.page, () => window.visit.events.some((e) => e.type === 'disconnected'), 5000);
      await Promise.all([ada.context.close(), bob.context.close()]);
    } finally {
      await broker.stop();
    }
  });

  it('reconnects after the broker is killed and restarted, then leaves', async () => {
    let broker = await startMosquitto();
    const { wsPort, tcpPort } = broker;
    try {
      const [ada, bob] = await openLivePair(fixture, room('restart'), broker.url);
      await broker.stop('SIGKILL');
      for (const { page } of [ada, bob]) await waitUntil(page, () => document.querySelector('video-chat').signalingState === 'reconnecting', 10000);
      broker = await startMosquitto({ wsPort, tcpPort });
      for (const { page } of [ada, bob]) await waitUntil(page, () => document.querySelector('video-chat').signalingState === 'online', 20000);
      await expectDecoding(ada.page);
      await leave(ada.page);
      await leave(bob.page);
      await Promise.all([ada.context.close(), bob.context.close()]);
    } finally {
      await broker.stop();
    }
  });

  it('leaves while reconnecting to a dead broker', async () => {
    const broker = await startMosquitto();
    try {
      const [ada, bob] = await openLivePair(fixture, room('leave-reconnecting'), broker.url);
      await broker.stop('SIGKILL');
      await waitUntil(ada.page, () => document.querySelector('video-chat').signalingState === 'reconnecting', 10000);
      // Long enough for MQTT.js to have tried again at least once.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await leave(ada.page);
      assert.equal(await callState(ada.page), 'left');
      assert.equal(await signalingState(ada.page), 'offline');
      await Promise.all([ada.context.close(), bob.context.close()]);
    } finally {
      await broker.stop();
    }
  });

  it('leaves while the first connection to the broker is still being made', async () => {
    // Accepts TCP and never answers: the WebSocket handshake, then MQTT's CONNECT, hang.
    const sockets = new Set();
    const silent = createServer((socket) => sockets.add(socket));
    await new Promise((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const url = `ws://127.0.0.1:${silent.address().port}`;
      const ada = await openVisitor(fixture.browser, fixture.server.origin, { room: room('end-connecting'), broker: url, name: 'Ada' });
      await waitUntil(ada.page, () => document.querySelector('video-chat').signalingState === 'connecting', 10000);
      await waitUntil(ada.page, () => document.querySelector('video-chat').state === 'joining', 10000);
      await leave(ada.page);
      assert.equal(await callState(ada.page), 'left');
      await ada.context.close();
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  /** An outsider publishes 1 MB twice on a live pair's room topic; the largest message each page got. */
  async function megabyteOnTheRoomTopic(broker) {
    const outsider = await mqtt.connectAsync(broker.url, { protocolVersion: 4 });
    try {
      let presence;
      outsider.on('message', (topic) => (presence ??= topic.endsWith('/presence') ? topic : undefined));
      await outsider.subscribeAsync('#');
      const [ada, bob] = await openLivePair(fixture, room('big'), broker.url);
      assert.ok(presence, 'saw the room topic');
      // Not subscribed to its own megabytes: MQTT.js in Node takes seconds to parse them.
      await outsider.unsubscribeAsync('#');
      await outsider.publishAsync(presence, Buffer.alloc(1024 * 1024, 7), { qos: 1 });
      await outsider.publishAsync(presence, Buffer.alloc(1024 * 1024, 7), { qos: 0 });
      // A message published after them arrives after them: once it is in, so are they (or never).
      const marker = await mqtt.connectAsync(broker.url, { protocolVersion: 4 });
      await marker.publishAsync(presence, Buffer.alloc(200, 1), { qos: 1 });
      await marker.endAsync();
      await new Promise((resolve) => setTimeout(resolve, 1000));
      await Promise.all([expectDecoding(ada.page), expectDecoding(bob.page)]);
      for (const { page } of [ada, bob]) assert.equal(await signalingState(page), 'online');
      const largest = await Promise.all([ada, bob].map(({ page }) => page.evaluate(() => window.visit.largestBrokerMessage)));
      // Neither the refused MQTT 5 nor the megabytes were an outage or anything else to report.
      const errors = await Promise.all([ada, bob].map(({ page }) => page.evaluate(() => window.visit.events.filter((e) => e.type === 'error').map((e) => e.detail.code))));
      assert.deepEqual(errors, [[], []]);
      await leave(ada.page);
      await Promise.all([ada.context.close(), bob.context.close()]);
      return largest;
    } finally {
      await outsider.endAsync();
    }
  }

  it('never takes in an oversize message from an MQTT 5 broker (Maximum Packet Size)', async () => {
    const broker = await startMosquitto();
    try {
      const largest = await megabyteOnTheRoomTopic(broker);
      assert.ok(largest.every((bytes) => bytes > 0 && bytes <= 70 * 1024), `largest broker messages: ${largest}`);
    } finally {
      await broker.stop();
    }
  });

  it('speaks MQTT 3.1.1 to a broker that refuses 5, and takes a 1 MB message there without harm', async () => {
    const broker = await startAedes();
    try {
      const largest = await megabyteOnTheRoomTopic(broker);
      // 3.1.1 has no Maximum Packet Size: the megabytes arrive, and are dropped unopened.
      assert.ok(largest.every((bytes) => bytes >= 1024 * 1024), `largest broker messages: ${largest}`);
    } finally {
      await broker.close();
    }
  });
});
