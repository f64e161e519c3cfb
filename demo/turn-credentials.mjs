// Short-lived TURN credentials for `turn-credentials-url`, for coturn's `use-auth-secret`.
// TURN_SECRET=… TURN_URLS="turn:turn.example.org:3478?transport=udp turn:turn.example.org:3478?transport=tcp" node demo/turn-credentials.mjs
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
const { TURN_SECRET, TURN_URLS = '', PORT = '8787', ALLOW_ORIGIN } = process.env;
const ttl = 3600; // seconds: the element fetches fresh ones before they expire
createServer((request, response) => {
  const username = `${Math.floor(Date.now() / 1000) + ttl}:visitor`; // expiry:anything
  const credential = createHmac('sha1', TURN_SECRET).update(username).digest('base64');
  response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store', ...(ALLOW_ORIGIN ? { 'access-control-allow-origin': ALLOW_ORIGIN } : {}) });
  response.end(JSON.stringify({ ttl, iceServers: [{ urls: TURN_URLS.split(' '), username, credential }] }));
}).listen(Number(PORT), process.env.HOST ?? '127.0.0.1');
