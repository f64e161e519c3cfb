// Installed before either system's code runs (as an init script, identically for both): keeps the
// page's RTCPeerConnections so the runner can read decoded-frame counters from getStats(), the
// figure the issue defines for the 6-visitor room. Subclassing changes no behaviour.
(() => {
  const connections = [];
  const Native = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends Native {
    constructor(...args) {
      super(...args);
      connections.push(this);
    }
  };
  /** Frames decoded so far per inbound video stream, keyed by connection and stream id. */
  window.benchDecodedFrames = async () => {
    const counts = {};
    await Promise.all(connections.map(async (pc, index) => {
      if (pc.connectionState !== 'connected') return;
      (await pc.getStats()).forEach((report) => {
        if (report.type === 'inbound-rtp' && report.kind === 'video') counts[`${index}/${report.id}`] = report.framesDecoded;
      });
    }));
    return counts;
  };
})();
