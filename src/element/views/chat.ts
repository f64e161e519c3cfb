/**
 * The chat panel: the visit's messages as plain text and its files as download links, a field
 * that sends on Enter, an attach button, and the whole panel a drop target for files.
 */
import { html } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import type { ChatEntry } from '../../call/chat.js';
import { MAX_CHAT_CHARS } from '../../call/chat.js';
import type { Strings } from '../strings.js';
import { icon } from './icons.js';

export interface ChatPanelView {
  messages: readonly ChatEntry[];
  ownPeerId?: string;
  nameOf(name: string): string;
  onSend(text: string): void;
  onAttach(files: File[]): void;
  onClose(): void;
}

/** One object URL per file, for its download link; revoked with `releaseFileLinks`. */
const fileLinks = new Map<File, string>();

function fileLink(file: File): string {
  let url = fileLinks.get(file);
  if (!url) {
    url = URL.createObjectURL(file);
    fileLinks.set(file, url);
  }
  return url;
}

/**
 * Frees the download links of files no longer in the chat (all of them when the call ends): a
 * link holds its file's bytes for as long as it lives.
 */
export function releaseFileLinks(kept: readonly ChatEntry[] = []): void {
  const files = new Set(kept.flatMap((entry) => ('file' in entry ? [entry.file] : [])));
  for (const [file, url] of fileLinks) {
    if (files.has(file)) continue;
    URL.revokeObjectURL(url);
    fileLinks.delete(file);
  }
}

function entryBody(entry: ChatEntry, strings: Strings) {
  if ('text' in entry) return html`<p>${entry.text}</p>`;
  // `download` saves rather than opens; the file's type is inert anyway (see peer/file-type.ts).
  return html`<p class="file"><a href=${fileLink(entry.file)} download=${entry.file.name} rel="noopener noreferrer">${icon('download')}<span>${entry.file.name}</span></a> <span class="size">${strings.fileSize(entry.file.size)}</span></p>`;
}

function onDrop(event: DragEvent, attach: (files: File[]) => void): void {
  event.preventDefault();
  const files = [...(event.dataTransfer?.files ?? [])];
  if (files.length) attach(files);
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
  return html`<aside part="chat-panel" class="panel" aria-label=${strings.chat} @dragover=${(event: DragEvent) => event.preventDefault()} @drop=${(event: DragEvent) => onDrop(event, view.onAttach)}>
    <header class="panel-header">
      <h2>${strings.chat}</h2>
      <button part="button close" class="icon-button small" aria-label=${strings.closePanel} data-tooltip=${strings.closePanel} @click=${view.onClose}>${icon('close')}</button>
    </header>
    <div class="messages" role="log" aria-live="polite" aria-label=${strings.chatMessages}><ol>
      ${view.messages.length === 0 ? html`<li class="hint">${strings.noMessages}</li>` : ''}
      ${repeat(view.messages, (message) => message, (message) => html`<li class=${message.peerId === view.ownPeerId ? 'own' : ''}>
        <span class="who">${message.peerId === view.ownPeerId ? strings.you(view.nameOf(message.name)) : view.nameOf(message.name)}</span>
        <time datetime=${new Date(message.time).toISOString()}>${timeFormat.format(message.time)}</time>
        ${entryBody(message, strings)}
      </li>`)}
    </ol></div>
    <form class="composer" @submit=${(event: SubmitEvent) => onSubmit(event, view.onSend)}>
      <label part="button attach" class="icon-button small attach" data-tooltip=${strings.attach}>
        ${icon('attach')}
        <input type="file" multiple class="visually-hidden" aria-label=${strings.attach}
          @change=${(event: Event) => {
            const input = event.target as HTMLInputElement;
            view.onAttach([...(input.files ?? [])]);
            input.value = '';
          }} />
      </label>
      <input name="message" type="text" autocomplete="off" maxlength=${MAX_CHAT_CHARS} aria-label=${strings.chatMessage} placeholder=${strings.chatPlaceholder} />
      <button part="button send" class="icon-button small" type="submit" aria-label=${strings.send} data-tooltip=${strings.send}>${icon('send')}</button>
    </form>
  </aside>`;
}
