/**
 * Chat text as it may be shown: plain text (it is only ever rendered as text, never parsed as
 * HTML), without control characters or the invisible direction marks that make a message read
 * differently from what it says, and bounded in length. Applied before sending and again on
 * arrival: a peer's own client is not trusted to have done it.
 */

/** The longest chat message, in characters. */
export const MAX_CHAT_CHARS = 2000;

// C0 and C1 controls other than newline and tab, and every bidirectional embedding, override,
// isolate and mark (U+061C, U+200E-F, U+202A-E, U+2066-9).
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export function cleanChatText(text: string): string {
  const cleaned = text.replace(/\r\n?/g, '\n').replace(UNSAFE, '').trim();
  const characters = Array.from(cleaned);
  return characters.length > MAX_CHAT_CHARS ? characters.slice(0, MAX_CHAT_CHARS).join('') : cleaned;
}

/** A chat message as the call reports it. */
export interface ChatMessage {
  /** Who wrote it: a peer's id, or this visitor's own. */
  peerId: string;
  name: string;
  text: string;
  /** When it arrived (or was sent, for one's own), in ms since the epoch, by this visitor's clock. */
  time: number;
}

/** A file sent or received in the call, kept in the chat log beside the messages. */
export interface FileEntry {
  peerId: string;
  name: string;
  time: number;
  file: File;
}

export type ChatEntry = ChatMessage | FileEntry;
