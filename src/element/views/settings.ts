/** The settings panel: which camera, microphone and speaker the call uses. */
import { html, nothing } from 'lit';
import type { DeviceInfo, DeviceKind, DeviceLists } from '../../media/devices.js';
import type { Strings } from '../strings.js';
import { icon } from './icons.js';

export interface SettingsPanelView {
  /** The browser's lists; undefined while they are being read. */
  devices?: DeviceLists;
  /** The device in use for each kind, if known. */
  inUse: Partial<Record<DeviceKind, string>>;
  onChoose(kind: DeviceKind, deviceId: string): void;
  onClose(): void;
}

function deviceField(kind: DeviceKind, label: string, devices: DeviceInfo[], current: string | undefined, view: SettingsPanelView, strings: Strings) {
  return html`<label class="field">
    <span>${label}</span>
    <select name=${kind} ?disabled=${devices.length === 0} @change=${(event: Event) => view.onChoose(kind, (event.target as HTMLSelectElement).value)}>
      ${devices.length === 0 ? html`<option value="">${strings.noDevice}</option>` : nothing}
      ${devices.map((device, index) => html`<option value=${device.deviceId} ?selected=${device.deviceId === current}>${device.label || strings.unnamedDevice(kind, index + 1)}</option>`)}
    </select>
  </label>`;
}

export function settingsPanel(view: SettingsPanelView, strings: Strings) {
  const { devices } = view;
  return html`<section part="settings-panel" class="panel" aria-label=${strings.settings}>
    <header class="panel-header">
      <h2>${strings.settings}</h2>
      <button part="button close" class="icon-button small" aria-label=${strings.closePanel} data-tooltip=${strings.closePanel} @click=${view.onClose}>${icon('close')}</button>
    </header>
    <div class="fields">
      ${devices
        ? html`${deviceField('camera', strings.camera, devices.cameras, view.inUse.camera, view, strings)}
          ${deviceField('microphone', strings.microphone, devices.microphones, view.inUse.microphone, view, strings)}
          ${devices.speakers.length > 0 ? deviceField('speaker', strings.speaker, devices.speakers, view.inUse.speaker, view, strings) : nothing}`
        : html`<p role="status">${strings.readingDevices}</p>`}
    </div>
  </section>`;
}
