/**
 * The control bar's and tiles' icons, from Lucide (ISC licence): drawn with `currentColor`, so a
 * site's colour for a button or `::part()` colours its icon too. Each icon is hidden from
 * assistive technology; the button around it carries the accessible name.
 */
import { html } from 'lit';
import { unsafeSVG } from 'lit/directives/unsafe-svg.js';
import Copy from 'lucide/dist/esm/icons/copy.mjs';
import Download from 'lucide/dist/esm/icons/download.mjs';
import Maximize from 'lucide/dist/esm/icons/maximize.mjs';
import MessageSquareText from 'lucide/dist/esm/icons/message-square-text.mjs';
import Mic from 'lucide/dist/esm/icons/mic.mjs';
import MicOff from 'lucide/dist/esm/icons/mic-off.mjs';
import Paperclip from 'lucide/dist/esm/icons/paperclip.mjs';
import PhoneOff from 'lucide/dist/esm/icons/phone-off.mjs';
import PictureInPicture from 'lucide/dist/esm/icons/picture-in-picture-2.mjs';
import Pin from 'lucide/dist/esm/icons/pin.mjs';
import ScreenShare from 'lucide/dist/esm/icons/screen-share.mjs';
import ScreenShareOff from 'lucide/dist/esm/icons/screen-share-off.mjs';
import SendHorizontal from 'lucide/dist/esm/icons/send-horizontal.mjs';
import Settings from 'lucide/dist/esm/icons/settings.mjs';
import Video from 'lucide/dist/esm/icons/video.mjs';
import VideoOff from 'lucide/dist/esm/icons/video-off.mjs';
import Volume2 from 'lucide/dist/esm/icons/volume-2.mjs';
import X from 'lucide/dist/esm/icons/x.mjs';
import Circle from 'lucide/dist/esm/icons/circle-dot.mjs';
import Link from 'lucide/dist/esm/icons/link.mjs';
import ShieldCheck from 'lucide/dist/esm/icons/shield-check.mjs';
import ShieldAlert from 'lucide/dist/esm/icons/shield-alert.mjs';
import SignalLow from 'lucide/dist/esm/icons/signal-low.mjs';
import SignalMedium from 'lucide/dist/esm/icons/signal-medium.mjs';
import Signal from 'lucide/dist/esm/icons/signal.mjs';

type IconNode = [tag: string, attributes: Record<string, string | number>][];

const ICONS = {
  copy: Copy,
  download: Download,
  fullscreen: Maximize,
  chat: MessageSquareText,
  mic: Mic,
  'mic-off': MicOff,
  attach: Paperclip,
  leave: PhoneOff,
  pip: PictureInPicture,
  pin: Pin,
  share: ScreenShare,
  'share-off': ScreenShareOff,
  send: SendHorizontal,
  settings: Settings,
  camera: Video,
  'camera-off': VideoOff,
  sound: Volume2,
  close: X,
  record: Circle,
  invite: Link,
  verify: ShieldCheck,
  'key-changed': ShieldAlert,
  'signal-poor': SignalLow,
  'signal-fair': SignalMedium,
  'signal-good': Signal,
} satisfies Record<string, IconNode>;

export type IconName = keyof typeof ICONS;

const escapeAttribute = (value: string | number) => String(value).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/** The icon's inner markup, built once: the data is Lucide's, never anything a visitor typed. */
const markup = new Map<IconName, string>();

function innerMarkup(name: IconName): string {
  let inner = markup.get(name);
  if (inner === undefined) {
    inner = (ICONS[name] as IconNode)
      .map(([tag, attributes]) => `<${tag} ${Object.entries(attributes).map(([key, value]) => `${key}="${escapeAttribute(value)}"`).join(' ')}/>`)
      .join('');
    markup.set(name, inner);
  }
  return inner;
}

/** An inline SVG icon, 24×24 in its own units, sized by the surrounding CSS (`1.25em` by default). */
export function icon(name: IconName) {
  return html`<svg class="icon" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false">${unsafeSVG(innerMarkup(name))}</svg>`;
}
