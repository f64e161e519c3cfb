import '../support/page-guard.js';
import { expect } from '@open-wc/testing';
import { judgeQuality, QUALITY_LIMITS, readLinkSample } from '../../src/call/link-quality.js';

type Report = Record<string, unknown> & { id: string; type: string };

/** A statistics report as `getStats()` hands it out: a map of reports by id. */
function statsOf(reports: Report[]): RTCStatsReport {
  return new Map(reports.map((r) => [r.id, r])) as unknown as RTCStatsReport;
}

const camera = { id: 'camera-track' } as MediaStreamTrack;

/** A link's statistics: the pair in use and what arrived, Chromium's way or Firefox's. */
function link({ relay = false, rtt = 0.02, received = 1000, lost = 0, frames = 300, engine = 'chromium' } = {}): RTCStatsReport {
  const pair: Report = { id: 'CP1', type: 'candidate-pair', localCandidateId: 'L1', remoteCandidateId: 'R1', state: 'succeeded', nominated: true, currentRoundTripTime: rtt };
  if (engine === 'firefox') pair.selected = true;
  return statsOf([
    ...(engine === 'chromium' ? [{ id: 'T1', type: 'transport', selectedCandidatePairId: 'CP1' }] : []),
    { id: 'CP0', type: 'candidate-pair', localCandidateId: 'L0', remoteCandidateId: 'R1', state: 'failed', nominated: false },
    pair,
    { id: 'L0', type: 'local-candidate', candidateType: 'host' },
    { id: 'L1', type: 'local-candidate', candidateType: relay ? 'relay' : 'srflx' },
    { id: 'R1', type: 'remote-candidate', candidateType: 'prflx' },
    { id: 'A', type: 'inbound-rtp', kind: 'audio', packetsReceived: received / 2, packetsLost: lost / 2 },
    { id: 'V', type: 'inbound-rtp', kind: 'video', trackIdentifier: 'camera-track', packetsReceived: received / 2, packetsLost: lost / 2, framesDecoded: frames },
  ]);
}

describe('link quality', () => {
  it('reads the path of the pair in use, as Chromium and Firefox mark it', () => {
    for (const engine of ['chromium', 'firefox']) {
      expect(readLinkSample(link({ engine }), camera, undefined, 0).sample.path, engine).to.equal('direct');
      expect(readLinkSample(link({ engine, relay: true }), camera, undefined, 0).sample.path, engine).to.equal('relay');
    }
    expect(readLinkSample(statsOf([]), camera, undefined, 0).sample).to.deep.equal({});
  });

  it('turns totals into the loss and the frame rate since the last reading, and the round trip into milliseconds', () => {
    const first = readLinkSample(link({ received: 1000, lost: 0, frames: 300 }), camera, undefined, 10_000);
    expect(first.sample.loss).to.equal(undefined);
    const { sample } = readLinkSample(link({ received: 1900, lost: 100, frames: 340, rtt: 0.25 }), camera, first.counters, 12_000);
    expect(sample.loss).to.be.closeTo(0.1, 1e-9);
    expect(sample.framesPerSecond).to.equal(20);
    expect(sample.roundTripMs).to.equal(250);
    // A camera that is off has no frame rate to judge.
    expect(readLinkSample(link({ frames: 340 }), undefined, first.counters, 12_000).sample.framesPerSecond).to.equal(undefined);
  });

  it('judges by the worst measure, at the documented limits', () => {
    const { loss, roundTripMs, framesPerSecond } = QUALITY_LIMITS;
    expect(judgeQuality({})).to.equal('good');
    expect(judgeQuality({ loss: 0.01, roundTripMs: 40, framesPerSecond: 29 })).to.equal('good');
    expect(judgeQuality({ loss: loss.fair })).to.equal('fair');
    expect(judgeQuality({ roundTripMs: roundTripMs.fair })).to.equal('fair');
    expect(judgeQuality({ framesPerSecond: framesPerSecond.fair - 1 })).to.equal('fair');
    expect(judgeQuality({ loss: loss.poor, roundTripMs: 20 })).to.equal('poor');
    expect(judgeQuality({ roundTripMs: roundTripMs.poor })).to.equal('poor');
    expect(judgeQuality({ loss: 0, framesPerSecond: framesPerSecond.poor - 1 })).to.equal('poor');
  });
});
