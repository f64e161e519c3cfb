/**
 * Attribute values as a site owner writes them, checked and turned into what the engine needs.
 * Every parser returns a usable value plus, when the input was bad, the problem to report.
 */
import type { CallProblem } from '../problems.js';

/**
 * EMQX's public broker: free, no sign-up, MQTT over secure WebSocket on port 8084, and run by the
 * maker of a widely deployed broker. Payloads are opaque to it once sealed; see docs/protocol.md.
 */
export const DEFAULT_BROKER = 'wss://broker.emqx.io:8084/mqtt';

/** One public STUN server: enough for most home networks; TURN must be configured by the site. */
export const DEFAULT_ICE_SERVERS: RTCIceServer[] = [{ urls: 'stun:stun.l.google.com:19302' }];

export interface Parsed<T> {
  value: T;
  /** Set when the input was rejected and `value` is a fallback. */
  problem?: CallProblem;
}

function badAttribute(reason: CallProblem['reason'], value?: string): CallProblem {
  return { code: 'bad-attribute', reason, params: value === undefined ? {} : { value: value.slice(0, 100) } };
}

/** An ICE server URL the browser will accept: a scheme and something after it, no spaces. */
const ICE_URL = /^(stuns?|turns?):[^\s]+$/;

function urlList(urls: unknown): string[] | undefined {
  const list: unknown[] = Array.isArray(urls) ? urls : [urls];
  return list.length > 0 && list.every((u) => typeof u === 'string' && ICE_URL.test(u)) ? (list as string[]) : undefined;
}

/** Whether `value` is an RTCIceServer the browser will take (TURN with both credentials). */
export function isIceServer(value: unknown): value is RTCIceServer {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const server = value as Record<string, unknown>;
  const urls = urlList(server.urls);
  if (!urls) return false;
  if (server.username !== undefined && typeof server.username !== 'string') return false;
  if (server.credential !== undefined && typeof server.credential !== 'string') return false;
  // The browser refuses to create a connection at all for a TURN server without both.
  if (urls.some((u) => u.startsWith('turn')) && (server.username === undefined || server.credential === undefined)) return false;
  return true;
}

/** Parses the `ice-servers` attribute: a JSON array of RTCIceServer objects. */
export function parseIceServers(attribute: string | null | undefined): Parsed<RTCIceServer[]> {
  if (attribute === null || attribute === undefined || attribute.trim() === '') return { value: DEFAULT_ICE_SERVERS };
  let parsed: unknown;
  try {
    parsed = JSON.parse(attribute);
  } catch {
    return { value: DEFAULT_ICE_SERVERS, problem: badAttribute('ice-servers-json') };
  }
  if (!Array.isArray(parsed) || !parsed.every(isIceServer)) return { value: DEFAULT_ICE_SERVERS, problem: badAttribute('ice-servers-shape') };
  return { value: parsed.map(({ urls, username, credential }) => ({ urls, username, credential })) };
}

/**
 * Checks the `ice-transport-policy` attribute: `relay` sends media only through TURN servers (the
 * others never learn this visitor's addresses); `all` or nothing lets ICE use every path. Anything
 * else is reported and `all` used.
 */
export function parseIceTransportPolicy(attribute: string | null | undefined): Parsed<RTCIceTransportPolicy> {
  const value = attribute?.trim() ?? '';
  if (value === '' || value === 'all') return { value: 'all' };
  if (value === 'relay') return { value: 'relay' };
  return { value: 'all', problem: badAttribute('ice-transport-policy', value) };
}

/** Whether any of `servers` is a TURN server (a relay), rather than STUN alone. */
export function hasTurnServer(servers: RTCIceServer[]): boolean {
  return servers.some(({ urls }) => (Array.isArray(urls) ? urls : [urls]).some((url) => /^turns?:/i.test(url)));
}

/**
 * Checks the `broker` attribute: one or more space-separated ws:// or wss:// URLs, tried in order.
 * A bad list is refused rather than replaced, so a site never silently falls back to a public broker.
 * On an https page browsers refuse ws:// (mixed content) except to this machine, so such a list is
 * refused here, with the reason, rather than failing later in the browser.
 */
export function parseBrokerUrls(attribute: string | null | undefined, pageProtocol = globalThis.location?.protocol): Parsed<string[] | undefined> {
  if (attribute === null || attribute === undefined || attribute.trim() === '') return { value: [DEFAULT_BROKER] };
  const urls = attribute.trim().split(/\s+/);
  for (const candidate of urls) {
    let url: URL;
    try {
      url = new URL(candidate);
    } catch {
      url = new URL('about:blank');
    }
    if (url.protocol !== 'ws:' && url.protocol !== 'wss:') return { value: undefined, problem: badAttribute('broker-not-websocket', candidate) };
    if (candidate.includes('#')) return { value: undefined, problem: badAttribute('broker-fragment', candidate) };
    if (url.protocol === 'ws:' && pageProtocol === 'https:' && !isLoopbackHost(url.hostname)) {
      return { value: undefined, problem: badAttribute('broker-insecure', candidate) };
    }
  }
  return { value: urls };
}

function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname.endsWith('.localhost') || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}
