/** The call's control bar, and the buttons it shares with the pre-join view (views/prejoin.ts). */
import { html, nothing } from 'lit';
import type { Strings } from '../strings.js';
import { icon, type IconName } from './icons.js';

export interface CallControlsView {
  /** Whether there is a microphone / a camera to toggle, and whether it is on. */
  microphone: { present: boolean; on: boolean };
  camera: { present: boolean; on: boolean };
  soundBlocked: boolean;
  /** Chat messages not seen yet, and whether the chat panel is open. */
  unread: number;
  chatOpen: boolean;
  onChat(): void;
  settingsOpen: boolean;
  onSettings(): void;
  sharing: boolean;
  onShare(): void;
  onInvite(): void;
  recording: boolean;
  onRecord(): void;
  onMicrophone(): void;
  onCamera(): void;
  onEnableSound(): void;
  onLeave(): void;
}

/** An icon button with a constant accessible name, shown as a tooltip on hover and focus. */
export function iconButton(part: string, label: string, iconName: IconName, onClick: () => void, options: { pressed?: boolean; disabled?: boolean } = {}) {
  const pressed = options.pressed === undefined ? nothing : options.pressed ? 'true' : 'false';
  return html`<button part="button ${part}" class="icon-button" aria-label=${label} data-tooltip=${label} aria-pressed=${pressed} ?disabled=${options.disabled ?? false} @click=${onClick}>${icon(iconName)}</button>`;
}

export function settingsButton(open: boolean, onClick: () => void, strings: Strings) {
  return html`<button part="button settings" class="icon-button" aria-label=${strings.settings} data-tooltip=${strings.settings} aria-expanded=${open ? 'true' : 'false'} @click=${onClick}>${icon('settings')}</button>`;
}

/** Mic and camera follow the WAI-ARIA toggle-button pattern: a constant name, the state in `aria-pressed`. */
export function callControls(view: CallControlsView, strings: Strings) {
  const { microphone, camera } = view;
  const micOn = microphone.present && microphone.on;
  const cameraOn = camera.present && camera.on;
  return html`<div part="controls" role="toolbar" aria-label=${strings.callControls}>
    ${iconButton('mic', strings.mute, micOn ? 'mic' : 'mic-off', view.onMicrophone, { pressed: !micOn, disabled: !microphone.present })}
    ${iconButton('camera', strings.cameraOff, cameraOn ? 'camera' : 'camera-off', view.onCamera, { pressed: !cameraOn, disabled: !camera.present })}
    ${iconButton('record', strings.record, 'record', view.onRecord, { pressed: view.recording })}
    ${iconButton('share', strings.shareScreen, view.sharing ? 'share-off' : 'share', view.onShare, { pressed: view.sharing })}
    <button part="button chat" class="icon-button" aria-label=${strings.chatButton(view.unread)} data-tooltip=${strings.chat} aria-expanded=${view.chatOpen ? 'true' : 'false'} @click=${view.onChat}>
      ${icon('chat')}${view.unread > 0 ? html`<span class="badge" part="unread" aria-hidden="true">${view.unread > 99 ? '99+' : view.unread}</span>` : nothing}
    </button>
    ${settingsButton(view.settingsOpen, view.onSettings, strings)}
    ${iconButton('invite', strings.invite, 'invite', view.onInvite)}
    ${view.soundBlocked ? html`<button part="button unmute" @click=${view.onEnableSound}>${icon('sound')}<span>${strings.enableSound}</span></button>` : nothing}
    ${iconButton('leave', strings.leave, 'leave', view.onLeave)}
  </div>`;
}
