/**
 * Attribute values as a site owner writes them, checked and turned into what the engine needs.
 * Every parser returns a usable value plus, when the input was bad, a message for an `error` event.
 */

/**
 * EMQX's public broker: free, no sign-up, MQTT over secure WebSocket on port 8084, and run by the
 * maker of a widely deployed broker. Payloads are opaque to it once sealed; see docs/protocol.md.
 */
export const DEFAULT_BROKER = 'wss://broker.emqx.io:8084/mqtt';

/** One public STUN server: enough for most home networks; TURN must be configured by the site. */
export const DEFAULT_ICE_SERVERS: RTCIceServer[] = [{ urls: 'stun:stun.l.google.com:19302' }];

export const DEFAULT_NAME = 'Guest';

export interface Parsed<T> {
  value: T;
  /** Set when the input was rejected and `value` is a fallback. */
  error?: string;
}

function isUrlList(urls: unknown): boolean {
  const list = Array.isArray(urls) ? urls : [urls];
  return list.length > 0 && list.every((u) => typeof u === 'string' && /^(stun|stuns|turn|turns):/.test(u));
}

function isIceServer(value: unknown): value is RTCIceServer {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const server = value as Record<string, unknown>;
  if (!isUrlList(server.urls)) return false;
  if (server.username !== undefined && typeof server.username !== 'string') return false;
  if (server.credential !== undefined && typeof server.credential !== 'string') return false;
  return true;
}

/** Parses the `ice-servers` attribute: a JSON array of RTCIceServer objects. */
export function parseIceServers(attribute: string | null | undefined): Parsed<RTCIceServer[]> {
  if (attribute === null || attribute === undefined || attribute.trim() === '') return { value: DEFAULT_ICE_SERVERS };
  let parsed: unknown;
  try {
    parsed = JSON.parse(attribute);
  } catch {
    return { value: DEFAULT_ICE_SERVERS, error: 'The ice-servers attribute is not valid JSON; using the default STUN server.' };
  }
  if (!Array.isArray(parsed) || !parsed.every(isIceServer)) {
    return {
      value: DEFAULT_ICE_SERVERS,
      error: 'The ice-servers attribute must be a JSON array of {"urls": "stun:…" | "turn:…", "username"?, "credential"?} objects; using the default STUN server.',
    };
  }
  return { value: parsed.map(({ urls, username, credential }) => ({ urls, username, credential })) };
}

/**
 * Checks the `broker` attribute: one or more space-separated ws:// or wss:// URLs, tried in order.
 * A bad list is refused rather than replaced, so a site never silently falls back to a public broker.
 */
export function parseBrokerUrls(attribute: string | null | undefined): Parsed<string[] | undefined> {
  if (attribute === null || attribute === undefined || attribute.trim() === '') return { value: [DEFAULT_BROKER] };
  const urls = attribute.trim().split(/\s+/);
  for (const candidate of urls) {
    let valid = false;
    try {
      const url = new URL(candidate);
      valid = url.protocol === 'ws:' || url.protocol === 'wss:';
    } catch {
      // reported below
    }
    if (!valid) return { value: undefined, error: `The broker attribute must be ws:// or wss:// URLs separated by spaces, got "${candidate.slice(0, 100)}".` };
  }
  return { value: urls };
}
