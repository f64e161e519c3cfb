import '../support/page-guard.js';
import { expect } from '@open-wc/testing';
import { brokerUrl } from '../support/broker-url.js';
import '../../src/video-chat.js';
import { nextEvent, uniqueRoom } from '../support/helpers.js';

/** Counts what the page creates: peer connections, WebSockets, media tracks, intervals. */
function instrument() {
  const peerConnections: RTCPeerConnection[] = [];
  const sockets: WebSocket[] = [];
  const tracks: MediaStreamTrack[] = [];
  const intervals = new Set<number>();
  const originals = {
    RTCPeerConnection: window.RTCPeerConnection,
    WebSocket: window.WebSocket,
    getUserMedia: navigator.mediaDevices.getUserMedia,
    setInterval: window.setInterval,
    clearInterval: window.clearInterval,
  };
  window.RTCPeerConnection = class extends originals.RTCPeerConnection {
    constructor(configuration?: RTCConfiguration) {
      super(configuration);
      peerConnections.push(this);
    }
  } as typeof RTCPeerConnection;
  window.WebSocket = class extends originals.WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      sockets.push(this);
    }
  } as typeof WebSocket;
  navigator.mediaDevices.getUserMedia = async (constraints) => {
    const stream = await originals.getUserMedia.call(navigator.mediaDevices, constraints);
    tracks.push(...stream.getTracks());
    return stream;
  };
  const nativeSetInterval = originals.setInterval as unknown as (handler: TimerHandler, timeout?: number, ...args: unknown[]) => number;
  window.setInterval = ((handler: TimerHandler, timeout?: number, ...args: unknown[]) => {
    const id = nativeSetInterval.call(window, handler, timeout, ...args);
    intervals.add(id);
    return id;
  }) as unknown as typeof setInterval;
  window.clearInterval = ((id?: number) => {
    if (id !== undefined) intervals.delete(id);
    originals.clearInterval.call(window, id);
  }) as typeof clearInterval;
  return {
    peerConnections,
    sockets,
    tracks,
    intervals,
    restore() {
      Object.assign(window, { RTCPeerConnection: originals.RTCPeerConnection, WebSocket: originals.WebSocket, setInterval: originals.setInterval, clearInterval: originals.clearInterval });
      navigator.mediaDevices.getUserMedia = originals.getUserMedia;
    },
  };
}

function heapBytes(): number {
  (window as unknown as { gc?: () => void }).gc?.();
  return (performance as unknown as { memory: { usedJSHeapSize: number } }).memory.usedJSHeapSize;
}

describe('50 join/leave cycles', () => {
  it('leave nothing open: peer connections, tracks, broker connections, timers; heap stays bounded', async function () {
    this.timeout(240_000);
    const counters = instrument();
    const room = uniqueRoom('leaks');
    const host = document.createElement('video-chat');
    const guest = document.createElement('video-chat');
    try {
      for (const el of [host, guest]) Object.assign(el, { room, broker: brokerUrl, iceServers: '[]' });
      host.name = 'Host';
      guest.name = 'Guest';
      document.body.append(host, guest);
      await host.join();
      let heapAfterWarmUp = 0;
      for (let cycle = 1; cycle <= 50; cycle++) {
        const connected = nextEvent(host, 'connected');
        await guest.join();
        await connected;
        const gone = nextEvent(host, 'disconnected');
        await guest.leave();
        await gone;
        if (cycle === 10) heapAfterWarmUp = heapBytes();
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
      const heapGrowthMb = (heapBytes() - heapAfterWarmUp) / 1048576;
      await host.leave();
      await new Promise((resolve) => setTimeout(resolve, 500));

      const openPeerConnections = counters.peerConnections.filter((pc) => pc.signalingState !== 'closed').length;
      const openSockets = counters.sockets.filter((s) => s.readyState !== WebSocket.CLOSED).length;
      const liveTracks = counters.tracks.filter((t) => t.readyState !== 'ended').length;
      const remoteTracks = counters.peerConnections.flatMap((pc) => pc.getReceivers().map((r) => r.track)).filter((t) => t.readyState !== 'ended').length;
      console.log(`after 50 cycles: ${counters.peerConnections.length} peer connections made, ${openPeerConnections} open; ${counters.sockets.length} broker sockets, ${openSockets} open; ${counters.tracks.length} local tracks, ${liveTracks} live; ${remoteTracks} live remote tracks; ${counters.intervals.size} intervals; heap growth cycles 10→50: ${heapGrowthMb.toFixed(2)} MB`);
      expect(counters.peerConnections.length).to.be.at.least(100);
      expect(openPeerConnections).to.equal(0);
      expect(openSockets).to.equal(0);
      expect(liveTracks).to.equal(0);
      expect(remoteTracks).to.equal(0);
      expect(counters.intervals.size).to.equal(0);
      expect(heapGrowthMb).to.be.below(8);
    } finally {
      counters.restore();
      host.remove();
      guest.remove();
    }
  });
});
