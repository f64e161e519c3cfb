import { expect } from '@open-wc/testing';
import { DEFAULT_BROKER, DEFAULT_ICE_SERVERS, parseBrokerUrls, parseIceServers } from '../../src/config.js';

describe('attribute parsing', () => {
  it('uses the default STUN server when ice-servers is absent', () => {
    expect(parseIceServers(null)).to.deep.equal({ value: DEFAULT_ICE_SERVERS });
    expect(parseIceServers('')).to.deep.equal({ value: DEFAULT_ICE_SERVERS });
  });

  it('accepts STUN and TURN servers with credentials', () => {
    const servers = [{ urls: 'stun:stun.example.org' }, { urls: ['turn:turn.example.org:3478?transport=udp', 'turns:turn.example.org:443'], username: 'u', credential: 'p' }];
    expect(parseIceServers(JSON.stringify(servers)).value).to.deep.equal([
      { urls: 'stun:stun.example.org', username: undefined, credential: undefined },
      servers[1],
    ]);
    expect(parseIceServers('[]')).to.deep.equal({ value: [] });
  });

  it('rejects invalid JSON and wrong shapes with a message naming the attribute', () => {
    for (const bad of ['{', '{"urls":"stun:x"}', '[{"url":"stun:x"}]', '[{"urls":"http://x"}]', '[{"urls":"turn:x","credential":5}]', '[1]']) {
      const parsed = parseIceServers(bad);
      expect(parsed.value, bad).to.equal(DEFAULT_ICE_SERVERS);
      expect(parsed.error, bad).to.contain('ice-servers');
    }
  });

  it('accepts a list of ws:// and wss:// brokers and refuses anything else', () => {
    expect(parseBrokerUrls('')).to.deep.equal({ value: [DEFAULT_BROKER] });
    expect(parseBrokerUrls('ws://127.0.0.1:9001').value).to.deep.equal(['ws://127.0.0.1:9001']);
    expect(parseBrokerUrls(' wss://a.example.org/mqtt \n ws://127.0.0.1:9001 ').value).to.deep.equal(['wss://a.example.org/mqtt', 'ws://127.0.0.1:9001']);
    for (const bad of ['http://x', 'mqtt://x:1883', 'not a url', 'ws://ok.example.org http://bad']) {
      const parsed = parseBrokerUrls(bad);
      expect(parsed.value).to.equal(undefined);
      expect(parsed.error).to.contain('broker');
    }
  });
});
