/**
 * Chat text as it may be shown: plain text (it is only ever rendered as text, never parsed as
 * HTML), without control characters or the invisible direction marks that make a message read
 * differently from what it says, and bounded in length. Applied before sending and again on
 * arrival: a peer's own client is not trusted to have done it.
 */
import { plainText } from '../plain-text.js';

/** The longest chat message, in characters. */
export const MAX_CHAT_CHARS = 2000;

export function cleanChatText(text: string): string {
  return plainText(text, MAX_CHAT_CHARS, { keepLineBreaks: true });
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
