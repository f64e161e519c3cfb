/** The pre-join controls (name field, Join) and the call's control bar. */
import { html, nothing } from 'lit';
import type { Strings } from '../strings.js';

export interface PrejoinView {
  name: string;
  canJoin: boolean;
  again: boolean;
  onName(name: string): void;
  onJoin(): void;
}

export function prejoinControls(view: PrejoinView, strings: Strings) {
  return html`
    <label>
      ${strings.yourName}
      <input type="text" maxlength="64" autocomplete="nickname" .value=${view.name} @input=${(e: Event) => view.onName((e.target as HTMLInputElement).value)} />
    </label>
    <button part="button join" ?disabled=${!view.canJoin} @click=${view.onJoin}>${view.again ? strings.joinAgain : strings.join}</button>
  `;
}

export interface CallControlsView {
  /** Whether there is a microphone / a camera to toggle, and whether it is on. */
  microphone: { present: boolean; on: boolean };
  camera: { present: boolean; on: boolean };
  soundBlocked: boolean;
  onMicrophone(): void;
  onCamera(): void;
  onEnableSound(): void;
  onLeave(): void;
}

/** Mic and camera follow the WAI-ARIA toggle-button pattern: a constant name, the state in `aria-pressed`. */
export function callControls(view: CallControlsView, strings: Strings) {
  const { microphone, camera } = view;
  return html`<div part="controls" role="toolbar" aria-label=${strings.callControls}>
    <button part="button mic" aria-pressed=${microphone.present && microphone.on ? 'false' : 'true'} ?disabled=${!microphone.present} @click=${view.onMicrophone}>${strings.mute}</button>
    <button part="button camera" aria-pressed=${camera.present && camera.on ? 'false' : 'true'} ?disabled=${!camera.present} @click=${view.onCamera}>${strings.cameraOff}</button>
    ${view.soundBlocked ? html`<button part="button unmute" @click=${view.onEnableSound}>${strings.enableSound}</button>` : nothing}
    <button part="button leave" @click=${view.onLeave}>${strings.leave}</button>
  </div>`;
}
