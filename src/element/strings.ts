/**
 * Every word `<video-chat>` shows or announces, in one table. The engine reports codes and
 * parameters; only here do they become English. A translation is another `Strings` object.
 */
import type { CallProblem } from '../problems.js';

/** Browsers whose site settings differ: where a visitor allows camera and microphone. */
export type BrowserFamily = 'chrome' | 'edge' | 'firefox' | 'safari' | 'safari-ios' | 'other';

/** What the browser refused to give (the `media-denied` error's reason). */
export type BlockedMedia = 'camera' | 'microphone' | 'camera-and-microphone';

export interface Strings {
  /** Shown for a visitor who gave no name. */
  guest: string;
  /** The name this visitor goes by until it gives one: tells guests apart. */
  guestName(number: number): string;
  /** The pre-join view's heading. */
  readyToJoin: string;
  /** Over the preview when the browser refused camera or microphone. */
  mediaBlocked(what: BlockedMedia): string;
  /** Where this browser lets a visitor allow them (`site`: this page's host). */
  mediaBlockedHelp(browser: BrowserFamily, what: BlockedMedia, site: string): string;
  /** When the browser allows them and the operating system does not. */
  mediaBlockedBySystem: string;
  you(name: string): string;
  yourCamera: string;
  yourCameraPreview: string;
  videoOf(name: string): string;
  yourName: string;
  join: string;
  joinAgain: string;
  joining: string;
  alone: string;
  youLeft: string;
  callControls: string;
  mute: string;
  /** Read out for the mic-off mark on a muted visitor's tile. */
  microphoneOff: string;
  cameraOff: string;
  leave: string;
  enableSound: string;
  chat: string;
  /** The chat button's name, with the count of messages not seen yet. */
  chatButton(unread: number): string;
  chatMessages: string;
  noMessages: string;
  chatMessage: string;
  chatPlaceholder: string;
  send: string;
  attach: string;
  fileSize(bytes: number): string;
  closePanel: string;
  settings: string;
  invite: string;
  inviteCopied: string;
  /** When the clipboard is out of reach: the link to copy by hand. */
  inviteLink(url: string): string;
  shareScreen: string;
  record: string;
  /** Read out for the recording mark on a tile. */
  recordingMark: string;
  recordingReady: string;
  downloadRecording: string;
  yourScreen: string;
  screenOf(name: string): string;
  /** The group of a tile's buttons. */
  tileActions(name: string): string;
  pictureInPicture: string;
  fullscreen: string;
  pin: string;
  unpin: string;
  verify: string;
  verifyTitle(name: string): string;
  verifyHow(name: string): string;
  verifyDigits: string;
  verifyWaiting: string;
  verifyFailed: string;
  itMatches: string;
  itDoesNotMatch: string;
  verifiedMark: string;
  keyChangedMark: string;
  /** The tooltip of a remote tile's signal mark: how the visitor is reached, how well, and what was measured. */
  linkQuality(quality: 'good' | 'fair' | 'poor', path: 'direct' | 'relay' | undefined, sample: { loss?: number; roundTripMs?: number; framesPerSecond?: number }): string;
  verifyKeyChanged(name: string): string;
  verifiedBefore(name: string): string;
  mismatchWarning(name: string): string;
  camera: string;
  microphone: string;
  speaker: string;
  noDevice: string;
  readingDevices: string;
  /** A device the browser gives no name (before the visitor allowed access). */
  unnamedDevice(kind: 'camera' | 'microphone' | 'speaker', number: number): string;
  problem(problem: CallProblem): string;
}

const MISSING_MEDIA = {
  camera: 'the camera',
  microphone: 'the microphone',
  'camera-and-microphone': 'the camera and microphone',
} as const;

const BLOCKED_MEDIA = {
  camera: { title: 'Your camera is blocked', settings: 'Camera' },
  microphone: { title: 'Your microphone is blocked', settings: 'Microphone' },
  'camera-and-microphone': { title: 'Your camera and microphone are blocked', settings: 'Camera and Microphone' },
} as const;

function mediaBlockedHelp(browser: BrowserFamily, what: BlockedMedia, site: string): string {
  const settings = BLOCKED_MEDIA[what].settings;
  const allow = what === 'camera-and-microphone' ? 'allow both' : 'allow it';
  switch (browser) {
    case 'chrome':
      return `Click the site settings icon at the left of the address bar, turn ${settings} on, then reload the page.`;
    case 'edge':
      return `Click the lock icon at the left of the address bar, then Permissions for this site: set ${settings} to Allow, then reload the page.`;
    case 'firefox':
      return `Click the crossed-out ${what === 'microphone' ? 'microphone' : 'camera'} icon in the address bar, clear "Blocked" next to ${settings}, then reload the page.`;
    case 'safari':
      return `In the Safari menu, choose Settings for ${site || 'this website'}…, set ${settings} to Allow, then reload the page.`;
    case 'safari-ios':
      return `Tap the page menu (aA) in the address bar, then Website Settings: set ${settings} to Allow, then reload the page.`;
    case 'other':
      return `Open this site's settings from the address bar (usually the icon at its left), ${allow}, then reload the page.`;
  }
}

/** The longest file name a status line quotes, in characters: the name is another visitor's choice. */
const QUOTED_NAME_CHARS = 40;

/** A file name as a status line quotes it: cut short, and marked so. */
function quoted(name = ''): string {
  const chars = [...name];
  return `"${chars.length > QUOTED_NAME_CHARS ? `${chars.slice(0, QUOTED_NAME_CHARS - 1).join('')}…` : name}"`;
}

function problemInEnglish({ code, reason, params }: CallProblem): string {
  const detail = params.detail ? ` (${params.detail})` : '';
  const file = quoted(params.value);
  switch (reason) {
    case 'room-missing':
      return 'The room attribute is required to join.';
    case 'broker-not-websocket':
      return `The broker attribute must be ws:// or wss:// URLs separated by spaces, got "${params.value}".`;
    case 'broker-fragment':
      return `A broker URL cannot have a #fragment, got "${params.value}".`;
    case 'broker-insecure':
      return `This page is served over https, where browsers block unencrypted ws:// connections: use wss:// for "${params.value}".`;
    case 'ice-servers-json':
      return 'The ice-servers attribute is not valid JSON; using the default STUN server.';
    case 'ice-servers-shape':
      return 'The ice-servers attribute must be a JSON array of {"urls": "stun:…" | "turn:…", "username", "credential"} objects (TURN servers need both username and credential); using the default STUN server.';
    case 'ice-transport-policy':
      return `The ice-transport-policy attribute must be "relay" or "all", got "${params.value}"; using "all".`;
    case 'relay-without-turn':
      return 'ice-transport-policy="relay" sends media only through TURN servers, and ice-servers names none: no one can be reached. Add a TURN server to ice-servers.';
    case 'insecure-context':
      return code === 'unsupported'
        ? 'This page cannot make calls: it is not served securely. Browsers allow calls, cameras and microphones only on https:// pages (or localhost).'
        : 'This page cannot use a camera or microphone (it needs https:// or localhost).';
    case 'camera':
    case 'microphone':
    case 'camera-and-microphone': {
      const what = MISSING_MEDIA[reason];
      const why = code === 'media-denied' ? 'was denied' : `is not available (${params.error})`;
      return `Access to ${what} ${why}; you can still see and hear the others.`;
    }
    case 'screen':
      return code === 'share-denied'
        ? 'Screen sharing was cancelled or not allowed.'
        : `Your screen cannot be shared (${params.error}).`;
    case 'no-display-capture':
      return 'This browser cannot share a screen.';
    case 'no-recording':
      return `This browser cannot record the call${detail}.`;
    case 'no-recording-sound':
      return 'The recording has no sound: this browser would not let the page mix the voices (it may need a click on the page first).';
    case 'connect-error':
      return `Cannot reach the signaling broker ${params.broker}${detail}; retrying.`;
    case 'subscription-refused':
      return `The broker refused our subscription${detail}; retrying.`;
    case 'connection-lost':
      return 'Lost the signaling broker; retrying.';
    case 'create-failed':
      return `Could not connect to ${params.peer}: the browser refused to create the connection${detail}.`;
    case 'negotiation-error':
      return `Could not connect to ${params.peer}${detail}.`;
    case 'gave-up':
      return `Could not connect to ${params.peer}: no connection after several attempts${detail}.`;
    case 'turn-credentials-fetch':
      return `Could not get relay (TURN) credentials from ${params.value}${detail}; visitors behind strict networks may not be reached. Retrying.`;
    case 'turn-credentials-shape':
      return `${params.value} did not answer with relay credentials: it must return JSON {"iceServers": [{"urls", "username", "credential"}], "ttl": seconds}.`;
    case 'no-turn-server':
      return `Could not reach ${params.peer}: the networks between you allow no direct connection (a strict router or firewall), and this site has no relay (TURN server) to carry the call. The site owner can add one in ice-servers.`;
    case 'peer-silent':
      return `${params.peer} stopped answering.`;
    case 'foreign-password':
      return 'This room is in use with a different password. Check the password and join again.';
    case 'their-clock-ahead':
    case 'their-clock-behind': {
      const direction = reason === 'their-clock-ahead' ? 'ahead of' : 'behind';
      return `Another visitor's clock is ${params.value} minutes ${direction} this device's, so their messages are refused. Whichever clock is wrong, set it to the right time (automatically, in the system settings).`;
    }
    case 'identity-changed':
      return `A renegotiation of your verified connection with ${params.peer} came with another encryption certificate. It was refused, and your connection stays as it was; someone may be trying to get between you.`;
    case 'key-changed':
      return `${params.peer} is not the ${params.peer} you verified before: their key has changed. It may be a new browser or device, or someone else; compare the safety code again before you trust them.`;
    case 'no-identity-storage':
      return `This page cannot remember who you verified: the browser keeps no storage for it here${detail}. Verifications last for this visit only.`;
    case 'full':
      return `This room is full: it takes ${params.value} people at most. Try again later.`;
    case 'no-webrtc':
      return 'This browser cannot make calls: it has no WebRTC (RTCPeerConnection), or it is turned off. Use a current Chrome, Edge, Firefox or Safari.';
    case 'no-webcrypto':
      return 'This browser cannot make calls: it has no Web Crypto (crypto.subtle), which keeps the call private. Use a current Chrome, Edge, Firefox or Safari.';
    case 'no-decompression':
      return 'This browser cannot make calls: it cannot unpack what other visitors send (DecompressionStream "deflate-raw"). Update it: Chrome or Edge 103, Firefox 113 and Safari 16.4 or later can.';
    case 'unexpected':
      return `Could not join${detail}.`;
    case 'too-large':
      if (code === 'file-too-large') return `${file} is larger than the ${params.detail} allowed here; it was not sent.`;
      if (code === 'file-transfer-failed') return `${params.peer} did not take ${file}: it is larger than they accept.`;
      return `${params.peer} sent a message over the size limit; it was dropped.`;
    case 'malformed':
      if (code === 'file-transfer-failed') return `A file from ${params.peer} was not valid; it was dropped.`;
      return `${params.peer} sent a message that is not valid; it was dropped.`;
    case 'refused':
      return `${params.peer} did not take ${file}.`;
    case 'checksum':
      return `${file} arrived damaged (its checksum did not match); it was dropped.`;
    case 'link-lost':
      return `The connection to ${params.peer} was lost while ${file} was being sent; nothing was kept.`;
    case 'cancelled':
      return `${params.peer} cancelled ${file}.`;
    case 'stalled':
      return `Nothing of ${file} moved between you and ${params.peer} for 30 seconds; it was dropped.`;
    case 'quota':
      return `A file from ${params.peer} was refused: the files received in this call hold ${params.detail} already, the most kept at once. Older files make room as they leave the chat; leave and join again to start afresh.`;
    case 'flooding':
      return `${params.peer} is sending messages too fast; some were dropped.`;
  }
}

export const english: Strings = {
  guest: 'Guest',
  guestName: (number) => `Guest ${number}`,
  readyToJoin: 'Ready to join?',
  mediaBlocked: (what) => BLOCKED_MEDIA[what].title,
  mediaBlockedHelp,
  mediaBlockedBySystem: 'Allowed there already? Then your system blocks this browser: allow it in the privacy settings. You can still join to see and hear the others.',
  you: (name) => `${name} (you)`,
  yourCamera: 'Your camera',
  yourCameraPreview: 'Your camera preview',
  videoOf: (name) => `Video of ${name}`,
  yourName: 'Your name',
  join: 'Join',
  joinAgain: 'Join again',
  joining: 'Joining…',
  alone: 'Nobody else is here yet. Waiting for others to join…',
  youLeft: 'You left the call.',
  callControls: 'Call controls',
  mute: 'Mute',
  microphoneOff: 'Microphone off',
  cameraOff: 'Camera off',
  leave: 'Leave',
  enableSound: 'Enable sound',
  chat: 'Chat',
  chatButton: (unread) => (unread > 0 ? `Chat (${unread} unread)` : 'Chat'),
  chatMessages: 'Messages',
  noMessages: 'Messages are seen by everyone in the call and go straight to them, not through a server. They are gone when you leave.',
  chatMessage: 'Message',
  chatPlaceholder: 'Send a message to everyone',
  send: 'Send',
  attach: 'Send a file',
  fileSize: (bytes) => (bytes < 1000 ? `${bytes} B` : bytes < 1e6 ? `${(bytes / 1e3).toFixed(0)} kB` : `${(bytes / 1e6).toFixed(1)} MB`),
  closePanel: 'Close',
  settings: 'Settings',
  invite: 'Copy invite link',
  inviteCopied: 'Invite link copied: whoever opens it joins this call.',
  inviteLink: (url) => `Invite others with this link: ${url}`,
  shareScreen: 'Share screen',
  record: 'Record',
  recordingMark: 'Recording',
  recordingReady: 'Your recording is ready.',
  downloadRecording: 'Download',
  yourScreen: 'Your screen',
  screenOf: (name) => `${name}'s screen`,
  tileActions: (name) => `${name}: tile actions`,
  pictureInPicture: 'Picture-in-picture',
  fullscreen: 'Fullscreen',
  pin: 'Pin',
  unpin: 'Unpin',
  verify: 'Verify',
  verifyTitle: (name) => `Verify ${name}`,
  verifyHow: (name) => `Compare these with what ${name} sees, by voice or side by side. If they are the same, nobody sits between you.`,
  verifyDigits: 'Or the digits',
  verifyWaiting: 'Working out the code…',
  verifyFailed: 'No code: the connection closed, or its exchange did not check out.',
  itMatches: 'It matches',
  itDoesNotMatch: "It doesn't match",
  verifiedMark: 'Verified',
  keyChangedMark: 'Not the key you verified under this name',
  linkQuality: (quality, path, { loss, roundTripMs, framesPerSecond }) => {
    const how = { good: 'Good connection', fair: 'Unsteady connection: video may stutter', poor: 'Poor connection: video may freeze and sound break up' }[quality];
    const measured = [
      loss !== undefined && loss >= 0.005 ? `${Math.round(loss * 100)}% of packets lost` : '',
      roundTripMs !== undefined ? `${Math.round(roundTripMs)} ms round trip` : '',
      framesPerSecond !== undefined ? `${Math.round(framesPerSecond)} frames a second` : '',
    ].filter(Boolean).join(', ');
    const relayed = path === 'relay' ? ' Connected through a relay server.' : '';
    return `${how}${measured ? ` (${measured})` : ''}.${relayed}`;
  },
  verifyKeyChanged: (name) => `${name} has another key than the ${name} you verified before: a new browser or device, or someone else. Compare the code again.`,
  verifiedBefore: (name) => `You verified ${name} on an earlier visit; this browser recognised their key.`,
  mismatchWarning: (name) => `The codes differ: someone may be between you and ${name}. Leave the call and meet again.`,
  camera: 'Camera',
  microphone: 'Microphone',
  speaker: 'Speaker',
  noDevice: 'None found',
  readingDevices: 'Looking for devices…',
  unnamedDevice: (kind, number) => `${kind === 'camera' ? 'Camera' : kind === 'microphone' ? 'Microphone' : 'Speaker'} ${number}`,
  problem: problemInEnglish,
};
