import '../support/page-guard.js';
import { expect } from '@open-wc/testing';
import createDebug from '../../scripts/mqtt-browser/debug.mjs';
import getTimer from '../../scripts/mqtt-browser/get-timer.mjs';
import clone from '../../scripts/mqtt-browser/rfdc.mjs';
import { StringDecoder } from '../../scripts/mqtt-browser/string-decoder.mjs';
import { parse } from '../../scripts/mqtt-browser/url.mjs';

// The drop-in bundle gives MQTT.js these modules instead of the real ones (see rollup.config.mjs).
// Each test covers a path the shim keeps; what a shim removes is said at its top. The bundle as a
// whole, and with it the readable-stream shim (CommonJS inside, which this test server does not
// convert), is driven through MQTT.js's rarer paths in test/e2e/mqtt-paths.test.mjs.
describe('MQTT.js shims of the drop-in bundle', () => {
  it('url: parses broker URLs as Node url.parse(href, true) does for MQTT.js', () => {
    expect(parse('wss://user:p%40ss@broker.example:8084/mqtt?x=1')).to.deep.equal({
      protocol: 'wss:', hostname: 'broker.example', port: '8084', auth: 'user:p@ss', query: { x: '1' }, path: '/mqtt?x=1',
    });
    expect(parse('ws://127.0.0.1/mqtt')).to.include({ protocol: 'ws:', hostname: '127.0.0.1', port: null, auth: null, path: '/mqtt' });
    expect(parse('/mqtt')).to.include({ protocol: null, hostname: null, path: '/mqtt' });
  });

  it('debug: logging stays off and costs nothing', () => {
    const log = createDebug('mqttjs:client');
    expect(log.enabled).to.equal(false);
    expect(log('anything', 1)).to.equal(undefined);
  });

  it('get-timer: MQTT.js\'s native keepalive clock ticks and stops', async () => {
    const timer = getTimer();
    let ticks = 0;
    const id = timer.set(() => ticks++, 20);
    await new Promise((resolve) => setTimeout(resolve, 110));
    timer.clear(id);
    const seen = ticks;
    expect(seen).to.be.within(3, 6);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(ticks, 'no tick after clear').to.equal(seen);
  });

  it('string_decoder: decodes UTF-8 across chunk boundaries and refuses other encodings', () => {
    const bytes = new TextEncoder().encode('a€😀b');
    for (let split = 0; split <= bytes.length; split++) {
      const decoder = new StringDecoder('utf-8');
      expect(decoder.encoding).to.equal('utf8');
      expect(decoder.write(bytes.subarray(0, split)) + decoder.end(bytes.subarray(split)), `split at ${split}`).to.equal('a€😀b');
    }
    const cut = new StringDecoder();
    expect(cut.write(bytes.subarray(0, 3)), 'half a character waits').to.equal('a');
    expect(cut.end(), 'and ends as a replacement character').to.equal('\uFFFD');
    expect(new StringDecoder().end(Uint8Array.from([0xef, 0xbb, 0xbf, 0x61])), 'a byte-order mark kept, as Node keeps it').to.equal('\uFEFFa');
    expect(() => new StringDecoder('base64')).to.throw(TypeError, /base64/);
  });

  it('rfdc: copies a publish packet whole, nothing shared with the original', () => {
    const packet = {
      cmd: 'publish', topic: 'room/inbox', qos: 1, retain: false, dup: false, messageId: 7,
      payload: Uint8Array.from([1, 2, 3]),
      properties: { userProperties: { a: ['b', 'c'] }, correlationData: Uint8Array.from([9]), messageExpiryInterval: 30 },
    };
    const copy = clone(packet);
    expect(copy).to.deep.equal(packet);
    packet.payload[0] = 0;
    packet.properties.userProperties.a.push('d');
    packet.properties.correlationData[0] = 0;
    expect(copy.payload).to.deep.equal(Uint8Array.from([1, 2, 3]));
    expect(copy.properties.userProperties.a).to.deep.equal(['b', 'c']);
    expect(copy.properties.correlationData).to.deep.equal(Uint8Array.from([9]));
  });
});
