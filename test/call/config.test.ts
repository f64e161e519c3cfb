import '../support/page-guard.js';
import { expect } from '@open-wc/testing';
import { english } from '../../src/element/strings.js';
import { DEFAULT_BROKER, DEFAULT_ICE_SERVERS, hasTurnServer, parseBrokerUrls, parseIceServers, parseIceTransportPolicy } from '../../src/call/config.js';

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

  it('rejects invalid JSON and wrong shapes as bad-attribute, with a message naming the attribute', () => {
    for (const [bad, reason] of [['{', 'ice-servers-json'], ['{"urls":"stun:x"}', 'ice-servers-shape'], ['[{"url":"stun:x"}]', 'ice-servers-shape'], ['[{"urls":"http://x"}]', 'ice-servers-shape'], ['[{"urls":"turn:x","credential":5}]', 'ice-servers-shape'], ['[1]', 'ice-servers-shape']]) {
      const parsed = parseIceServers(bad);
      expect(parsed.value, bad).to.equal(DEFAULT_ICE_SERVERS);
      expect(parsed.problem, bad).to.deep.equal({ code: 'bad-attribute', reason, params: {} });
      expect(english.problem(parsed.problem!), bad).to.contain('ice-servers');
    }
  });

  it('refuses what the browser would refuse to create a connection with: TURN without both credentials, an empty URL', () => {
    for (const bad of ['[{"urls":"turn:t.example.org"}]', '[{"urls":["stun:s.example.org","turns:t.example.org"],"username":"u"}]', '[{"urls":"turn:t.example.org","credential":"p"}]', '[{"urls":"stun:"}]', '[{"urls":"stun:a b"}]', '[{"urls":[]}]']) {
      const parsed = parseIceServers(bad);
      expect(parsed.value, bad).to.equal(DEFAULT_ICE_SERVERS);
      expect(english.problem(parsed.problem!), bad).to.contain('TURN servers need both username and credential');
    }
    // What the parser passes, a browser accepts: creating a connection with it does not throw.
    const accepted = parseIceServers('[{"urls":"stun:s.example.org:3478"},{"urls":"turns:t.example.org:443?transport=tcp","username":"u","credential":"p"}]');
    expect(accepted.problem).to.equal(undefined);
    new RTCPeerConnection({ iceServers: accepted.value }).close();
  });

  it('refuses broker URLs the browser would refuse to open: a #fragment, or ws:// to another machine from an https page', () => {
    for (const [bad, reason] of [['wss://b.example.org/mqtt#x', 'fragment'], ['ws://127.0.0.1:9001 wss://b.example.org/#', 'fragment']]) {
      expect(parseBrokerUrls(bad).value, bad).to.equal(undefined);
      expect(english.problem(parseBrokerUrls(bad).problem!), bad).to.contain(reason);
    }
    const mixed = parseBrokerUrls('wss://a.example.org/mqtt ws://b.example.org:8083/mqtt', 'https:');
    expect(mixed.value).to.equal(undefined);
    expect(mixed.problem).to.deep.equal({ code: 'bad-attribute', reason: 'broker-insecure', params: { value: 'ws://b.example.org:8083/mqtt' } });
    expect(english.problem(mixed.problem!)).to.contain('use wss://').and.contain('ws://b.example.org:8083/mqtt');
    for (const local of ['ws://127.0.0.1:9001', 'ws://localhost:9001', 'ws://[::1]:9001']) {
      expect(parseBrokerUrls(local, 'https:').value, local).to.deep.equal([local]);
    }
    expect(parseBrokerUrls('ws://b.example.org:8083/mqtt', 'http:').value).to.deep.equal(['ws://b.example.org:8083/mqtt']);
  });

  it('accepts a list of ws:// and wss:// brokers and refuses anything else', () => {
    expect(parseBrokerUrls('')).to.deep.equal({ value: [DEFAULT_BROKER] });
    expect(parseBrokerUrls('ws://127.0.0.1:9001').value).to.deep.equal(['ws://127.0.0.1:9001']);
    expect(parseBrokerUrls(' wss://a.example.org/mqtt \n ws://127.0.0.1:9001 ').value).to.deep.equal(['wss://a.example.org/mqtt', 'ws://127.0.0.1:9001']);
    for (const bad of ['http://x', 'mqtt://x:1883', 'not a url', 'ws://ok.example.org http://bad']) {
      const parsed = parseBrokerUrls(bad);
      expect(parsed.value).to.equal(undefined);
      expect(parsed.problem?.reason).to.equal('broker-not-websocket');
      expect(english.problem(parsed.problem!)).to.contain('broker');
    }
  });

  it('takes ice-transport-policy "relay" or "all" (the default), and refuses anything else with a message naming it', () => {
    expect(parseIceTransportPolicy(null)).to.deep.equal({ value: 'all' });
    expect(parseIceTransportPolicy(' relay ')).to.deep.equal({ value: 'relay' });
    expect(parseIceTransportPolicy('all')).to.deep.equal({ value: 'all' });
    const parsed = parseIceTransportPolicy('turn-only');
    expect(parsed.value).to.equal('all');
    expect(parsed.problem).to.include({ code: 'bad-attribute', reason: 'ice-transport-policy' });
    expect(english.problem(parsed.problem!)).to.contain('ice-transport-policy').and.contain('turn-only');
  });

  it('tells a TURN server from STUN alone, in a list of URLs or one', () => {
    expect(hasTurnServer(DEFAULT_ICE_SERVERS)).to.equal(false);
    expect(hasTurnServer([{ urls: ['stun:a.example', 'turns:b.example:443?transport=tcp'], username: 'u', credential: 'c' }])).to.equal(true);
    expect(hasTurnServer([{ urls: 'TURN:b.example', username: 'u', credential: 'c' }])).to.equal(true);
    expect(hasTurnServer([])).to.equal(false);
  });
});
