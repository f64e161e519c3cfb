/**
 * The Verify panel: the safety code of this visitor's link with one peer, as emoji with their
 * names and as digits, and the two answers a person gives after comparing it with the peer's.
 */
import { html, nothing } from 'lit';
import { SAFETY_EMOJI, type SafetyCode } from '../../peer/safety-code.js';
import type { Strings } from '../strings.js';
import { icon } from './icons.js';

export interface VerifyPanelView {
  /** The peer's name as shown. */
  name: string;
  /** The code; undefined while it is being worked out. */
  code?: SafetyCode;
  failed: boolean;
  /** What is known of the peer already: verified on an earlier visit, or showing another key than the one verified. */
  standing?: 'verified-before' | 'key-changed';
  onMatches(): void;
  onMismatch(): void;
  onClose(): void;
}

const emojiName = new Map(SAFETY_EMOJI);

export function verifyPanel(view: VerifyPanelView, strings: Strings) {
  const { code } = view;
  return html`<section part="verify-panel" class="panel" aria-label=${strings.verifyTitle(view.name)}>
    <header class="panel-header">
      <h2>${strings.verifyTitle(view.name)}</h2>
      <button part="button close" class="icon-button small" aria-label=${strings.closePanel} data-tooltip=${strings.closePanel} @click=${view.onClose}>${icon('close')}</button>
    </header>
    <div class="fields">
      ${view.standing === 'key-changed'
        ? html`<p part="key-changed-note" class="warning" role="alert">${icon('key-changed')} ${strings.verifyKeyChanged(view.name)}</p>`
        : view.standing === 'verified-before' ? html`<p>${strings.verifiedBefore(view.name)}</p>` : nothing}
      <p>${strings.verifyHow(view.name)}</p>
      ${code
        ? html`<ol part="safety-code" class="safety-code">
            ${code.emoji.map((emoji) => html`<li><span class="emoji" aria-hidden="true">${emoji}</span><span class="emoji-name">${emojiName.get(emoji)}</span></li>`)}
          </ol>
          <p class="digits-label">${strings.verifyDigits}</p>
          <p part="safety-digits" class="digits">${code.digits.slice(0, 4)} ${code.digits.slice(4)}</p>
          <div class="verify-answers">
            <button part="button matches" class="text-button" @click=${view.onMatches}>${strings.itMatches}</button>
            <button part="button mismatch" class="text-button" @click=${view.onMismatch}>${strings.itDoesNotMatch}</button>
          </div>`
        : html`<p role="status">${view.failed ? strings.verifyFailed : strings.verifyWaiting}</p>`}
    </div>
    ${nothing}
  </section>`;
}
