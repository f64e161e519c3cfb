/**
 * The pre-join view's own pieces, as meeting apps lay them out: over the preview, the mic and
 * camera toggles with the microphone's level (or, when the browser blocked them, where to allow
 * camera and microphone); beside it, the name and Join.
 */
import { html, nothing } from 'lit';
import type { Strings, BrowserFamily, BlockedMedia } from '../strings.js';
import { iconButton, settingsButton } from './controls.js';
import { icon } from './icons.js';
import { initials } from './tiles.js';

export interface PrejoinView {
  /** The name field's value, and the name used while it is empty ("Guest 4821"). */
  name: string;
  guestName: string;
  canJoin: boolean;
  /** After a visit: Join again, no preview. */
  again: boolean;
  onName(name: string): void;
  onJoin(): void;
  settingsOpen: boolean;
  onSettings(): void;
  /** Whether each can be toggled (no track once captured: it cannot), and whether it is on. */
  microphone: { present: boolean; on: boolean };
  camera: { present: boolean; on: boolean };
  onMicrophone(): void;
  onCamera(): void;
  /** What the browser refused to give, if it did, and which browser this is (for where to allow it). */
  blocked?: BlockedMedia;
  browser: BrowserFamily;
  /** This page's host, named in Safari's menu. */
  site: string;
  /** Why this browser or page cannot make calls, in words; Join is disabled then. */
  unsupported?: string;
}

/** Over a preview whose camera is off: the initials the others will see, as on a tile. */
export function previewAvatar(view: PrejoinView) {
  if (view.again || view.blocked || (view.camera.present && view.camera.on)) return nothing;
  return html`<div part="avatar" class="preview-avatar" aria-hidden="true"><span>${initials(view.name.trim() || view.guestName)}</span></div>`;
}

/** Mic and camera toggles over the preview, as in the call (toggle-button pattern), with the level beside the mic. */
export function prejoinToggles(view: PrejoinView, strings: Strings) {
  if (view.again) return nothing;
  const { microphone, camera } = view;
  const micOn = microphone.present && microphone.on;
  const cameraOn = camera.present && camera.on;
  return html`<div class="prejoin-toggles" role="group" aria-label=${strings.callControls}>
    ${iconButton('mic', strings.mute, micOn ? 'mic' : 'mic-off', view.onMicrophone, { pressed: !micOn, disabled: !microphone.present })}
    ${microphone.present ? html`<span part="level" class="level-meter" aria-hidden="true"><span></span><span></span><span></span></span>` : nothing}
    ${iconButton('camera', strings.cameraOff, cameraOn ? 'camera' : 'camera-off', view.onCamera, { pressed: !cameraOn, disabled: !camera.present })}
  </div>`;
}

/** Over the preview when the browser refused camera or microphone: this browser's way to allow them. */
export function mediaBlockedNote(view: PrejoinView, strings: Strings) {
  if (view.again || !view.blocked) return nothing;
  return html`<div part="media-blocked" class="media-blocked" role="alert">
    ${icon(view.blocked === 'microphone' ? 'mic-off' : 'camera-off')}
    <p class="media-blocked-title">${strings.mediaBlocked(view.blocked)}</p>
    <p>${strings.mediaBlockedHelp(view.browser, view.blocked, view.site)}</p>
    <p class="media-blocked-more">${strings.mediaBlockedBySystem}</p>
  </div>`;
}

/** The name (remembered on this site, or the guest name as its placeholder), Join and the settings button. */
export function prejoinForm(view: PrejoinView, strings: Strings) {
  return html`<div class="prejoin-form">
    ${view.again ? nothing : html`<h2 class="prejoin-title">${strings.readyToJoin}</h2>`}
    <label>
      ${strings.yourName}
      <input type="text" maxlength="64" autocomplete="nickname" placeholder=${view.guestName} .value=${view.name}
        @input=${(e: Event) => view.onName((e.target as HTMLInputElement).value)}
        @keydown=${(e: KeyboardEvent) => e.key === 'Enter' && view.canJoin && !view.unsupported && view.onJoin()} />
    </label>
    ${view.unsupported ? html`<p part="unsupported" class="warning" role="note">${view.unsupported}</p>` : nothing}
    <div class="prejoin-actions">
      <button part="button join" ?disabled=${!view.canJoin || !!view.unsupported} @click=${view.onJoin}>${view.again ? strings.joinAgain : strings.join}</button>
      ${settingsButton(view.settingsOpen, view.onSettings, strings)}
    </div>
  </div>`;
}
