import '../support/page-guard.js';
import { expect } from '@open-wc/testing';
import { missingForCalls, type CallSupportScope } from '../../src/call/browser-support.js';
import { english } from '../../src/element/strings.js';

/** What this (secure) test page offers, with one piece changed per case. */
function scope(changes: Partial<CallSupportScope> = {}): CallSupportScope {
  return { isSecureContext: true, RTCPeerConnection, crypto, DecompressionStream, ...changes };
}

function message(reason: NonNullable<ReturnType<typeof missingForCalls>>): string {
  return english.problem({ code: 'unsupported', reason, params: {} });
}

describe('what a browser needs for calls', () => {
  it('finds nothing missing in this Chromium on a secure page', () => {
    expect(missingForCalls()).to.equal(undefined);
    expect(missingForCalls(scope())).to.equal(undefined);
  });

  it('blames https only on a page that is not a secure context', () => {
    // An http:// page also lacks crypto.subtle: the page, not the browser, is the reason then.
    expect(missingForCalls(scope({ isSecureContext: false, crypto: {} }))).to.equal('insecure-context');
    expect(message('insecure-context')).to.contain('https://');
  });

  it('names WebRTC when a secure page has no RTCPeerConnection, and does not blame https', () => {
    expect(missingForCalls(scope({ RTCPeerConnection: undefined }))).to.equal('no-webrtc');
    expect(message('no-webrtc')).to.contain('no WebRTC (RTCPeerConnection)');
    expect(message('no-webrtc')).not.to.contain('https');
  });

  it('names WebCrypto when a secure page has no crypto.subtle', () => {
    expect(missingForCalls(scope({ crypto: {} }))).to.equal('no-webcrypto');
    expect(missingForCalls(scope({ crypto: undefined }))).to.equal('no-webcrypto');
    expect(message('no-webcrypto')).to.contain('crypto.subtle');
    expect(message('no-webcrypto')).not.to.contain('https');
  });

  it('names DecompressionStream when it is missing or lacks deflate-raw (as Chromium 80-102 did)', () => {
    expect(missingForCalls(scope({ DecompressionStream: undefined }))).to.equal('no-decompression');
    class DeflateOnly {
      constructor(format: CompressionFormat) {
        if (format !== 'deflate' && format !== 'gzip') throw new TypeError(`Unsupported compression format: '${format}'`);
      }
    }
    expect(missingForCalls(scope({ DecompressionStream: DeflateOnly }))).to.equal('no-decompression');
    expect(message('no-decompression')).to.contain('DecompressionStream');
  });

  it('keeps the camera wording for a media problem on an insecure page', () => {
    expect(english.problem({ code: 'media-unavailable', reason: 'insecure-context', params: {} })).to.contain('camera or microphone');
  });
});
