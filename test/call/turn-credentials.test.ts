import '../support/page-guard.js';
import { expect } from '@open-wc/testing';
import { VideoCall } from '../../src/index.js';
import { parseTurnCredentials } from '../../src/call/turn-credentials.js';
import { brokerUrl } from '../support/broker-url.js';
import { uniqueRoom, waitFor } from '../support/helpers.js';

const ENDPOINT = 'https://credentials.example/turn';

/**
 * Serves `ENDPOINT` from this page's fetch, as a site's credentials endpoint would: each answer
 * new credentials, valid `ttl` seconds. Returns the usernames handed out; `stop()` restores fetch.
 */
function serveCredentials(ttl: number, answer?: () => Response) {
  const handedOut: string[] = [];
  const realFetch = globalThis.fetch;
  globalThis.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    if (String(input) !== ENDPOINT) return realFetch(input, init);
    if (answer) return answer();
    const username = `${Math.floor(Date.now() / 1000) + ttl}:visitor-${handedOut.length}`;
    handedOut.push(username);
    return new Response(JSON.stringify({ ttl, iceServers: [{ urls: ['turn:127.0.0.1:3478?transport=udp'], username, credential: 'secret' }] }), { headers: { 'content-type': 'application/json' } });
  };
  return { handedOut, stop: () => (globalThis.fetch = realFetch) };
}

describe('short-lived TURN credentials (turn-credentials-url)', () => {
  it('reads {iceServers, ttl} and refuses anything else', () => {
    const servers = [{ urls: 'turn:turn.example:3478', username: 'u', credential: 'c' }];
    expect(parseTurnCredentials({ iceServers: servers, ttl: 3600 })).to.deep.equal({ iceServers: servers, ttl: 3600 });
    expect(parseTurnCredentials({ iceServers: servers, ttl: 1e9 })?.ttl).to.equal(86400);
    for (const bad of [null, 'x', {}, { iceServers: servers }, { iceServers: [], ttl: 60 }, { iceServers: [{ urls: 'turn:x' }], ttl: 60 }, { iceServers: servers, ttl: -1 }]) {
      expect(parseTurnCredentials(bad), JSON.stringify(bad)).to.equal(undefined);
    }
  });

  it('joins with the fetched TURN server, fetches again before the credentials expire, and hands fresh ones to every connection', async function () {
    this.timeout(30_000);
    const endpoint = serveCredentials(3);
    const room = uniqueRoom('turn-credentials');
    const calls = ['Ada', 'Bob'].map((name) => new VideoCall({ room, name, broker: brokerUrl, iceServers: [], turnCredentialsUrl: ENDPOINT }));
    const errors: string[] = [];
    calls.forEach((call) => call.addEventListener('error', ({ detail }) => errors.push(`${detail.code} ${detail.reason}`)));
    try {
      await Promise.all(calls.map((call) => call.join()));
      await waitFor(() => calls.every((call) => call.participants.length === 1), 'Ada and Bob in a call');
      const connection = () => calls[0].currentVisit!.peerMesh!.link(calls[0].participants[0].peerId)!.connection;
      const username = () => connection().getConfiguration().iceServers?.find((s) => String(s.urls).startsWith('turn:'))?.username;
      const first = username();
      expect(endpoint.handedOut).to.include(first);
      // Renewed at 80% of the 3 s lifetime; the link takes the fresh credentials.
      await waitFor(() => username() !== first, 'fresh credentials on the link', 10_000);
      expect(endpoint.handedOut.indexOf(username()!)).to.be.greaterThan(endpoint.handedOut.indexOf(first!));
      expect(errors).to.deep.equal([]);
    } finally {
      endpoint.stop();
      await Promise.all(calls.map((call) => call.leave()));
    }
  });

  it('says so once when the endpoint fails, and the call goes on without it', async () => {
    const endpoint = serveCredentials(60, () => new Response('nope', { status: 500 }));
    const call = new VideoCall({ room: uniqueRoom('turn-down'), broker: brokerUrl, iceServers: [], turnCredentialsUrl: ENDPOINT });
    const errors: string[] = [];
    call.addEventListener('error', ({ detail }) => errors.push(`${detail.code} ${detail.reason} ${detail.params.detail}`));
    try {
      await call.join();
      expect(call.state).to.equal('joined');
      expect(errors).to.deep.equal(['turn-unavailable turn-credentials-fetch HTTP 500']);
    } finally {
      endpoint.stop();
      await call.leave();
    }
  });
});
