/** The chat panel: the visit's messages as plain text, and a field that sends on Enter. */
import { html } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import type { ChatMessage } from '../../call/chat.js';
import { MAX_CHAT_CHARS } from '../../call/chat.js';
import type { Strings } from '../strings.js';
import { icon } from './icons.js';

export interface ChatPanelView {
  messages: readonly ChatMessage[];
  ownPeerId?: string;
  nameOf(name: string): string;
  onSend(text: string): void;
  onClose(): void;
}

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

function onSubmit(event: SubmitEvent, send: (text: string) => void): void {
  event.preventDefault();
  const input = (event.target as HTMLFormElement).elements.namedItem('message') as HTMLInputElement;
  if (!input.value.trim()) return;
  send(input.value);
  input.value = '';
}

export function chatPanel(view: ChatPanelView, strings: Strings) {
  return html`<aside part="chat-panel" class="panel" aria-label=${strings.chat}>
    <header class="panel-header">
      <h2>${strings.chat}</h2>
      <button part="button close" class="icon-button small" aria-label=${strings.closePanel} data-tooltip=${strings.closePanel} @click=${view.onClose}>${icon('close')}</button>
    </header>
    <div class="messages" role="log" aria-live="polite" aria-label=${strings.chatMessages}><ol>
      ${view.messages.length === 0 ? html`<li class="hint">${strings.noMessages}</li>` : ''}
      ${repeat(view.messages, (message) => message, (message) => html`<li class=${message.peerId === view.ownPeerId ? 'own' : ''}>
        <span class="who">${message.peerId === view.ownPeerId ? strings.you(view.nameOf(message.name)) : view.nameOf(message.name)}</span>
        <time datetime=${new Date(message.time).toISOString()}>${timeFormat.format(message.time)}</time>
        <p>${message.text}</p>
      </li>`)}
    </ol></div>
    <form class="composer" @submit=${(event: SubmitEvent) => onSubmit(event, view.onSend)}>
      <input name="message" type="text" autocomplete="off" maxlength=${MAX_CHAT_CHARS} aria-label=${strings.chatMessage} placeholder=${strings.chatPlaceholder} />
      <button part="button send" class="icon-button small" type="submit" aria-label=${strings.send} data-tooltip=${strings.send}>${icon('send')}</button>
    </form>
  </aside>`;
}
