/**
 * The WebSocket under the MQTT client, made by us rather than by MQTT.js: opened early (while the
 * room's keys are derived), never throwing into MQTT.js's reconnect timer, and handed over open.
 */

/** A WebSocket for MQTT, or `undefined` if the URL is unusable (MQTT.js then reports it). */
export function openWebSocket(url: string, protocols = ['mqtt']): WebSocket | undefined {
  try {
    return typeof WebSocket === 'undefined' ? undefined : new WebSocket(url, protocols);
  } catch {
    return undefined;
  }
}

/**
 * Stands in for a WebSocket the browser refused to create (it throws for some URLs and ports).
 * MQTT.js creates sockets in its reconnect timer, where a throw would reach the page and end the
 * retries; this one fails like an unreachable broker instead, so the next broker gets its turn.
 */
export function refusedSocket(): WebSocket {
  const socket = new EventTarget() as EventTarget & Record<string, unknown>;
  Object.assign(socket, { readyState: WebSocket.CONNECTING, binaryType: 'arraybuffer', bufferedAmount: 0, send() {}, close() {} });
  setTimeout(() => {
    socket.readyState = WebSocket.CLOSED;
    socket.dispatchEvent(new Event('error'));
    socket.dispatchEvent(new CloseEvent('close', { code: 1006 }));
  }, 0);
  return socket as unknown as WebSocket;
}

/**
 * Gives MQTT.js a socket that may already be open. In our bundle MQTT.js's path for a socket that
 * is already open fails (a stream helper it calls is missing), while its path for one still
 * connecting works; so an open one is shown as connecting until MQTT.js has attached its
 * listeners, then announced as opened. The end-to-end tests cover both.
 */
export function handOver(socket: WebSocket): WebSocket {
  if (socket.readyState !== WebSocket.OPEN) return socket;
  Object.defineProperty(socket, 'readyState', { value: WebSocket.CONNECTING, configurable: true });
  queueMicrotask(() => {
    delete (socket as { readyState?: number }).readyState;
    socket.dispatchEvent(new Event('open'));
  });
  return socket;
}
