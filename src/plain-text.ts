/**
 * Text from other visitors made safe to show: it is only ever rendered as text (never parsed as
 * HTML), and these remove what would make it read differently from what it is.
 */

// C0 and C1 controls; every bidirectional embedding, override, isolate and mark (U+061C,
// U+200E-F, U+202A-E, U+2066-9), which can make "exe.txt" display as "txt.exe"; and the invisible
// zero-width space, word joiner and byte-order mark (U+200B, U+2060, U+FEFF). The zero-width
// joiner and non-joiner stay: emoji sequences and several scripts need them.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]/g;
// eslint-disable-next-line no-control-regex
const UNSAFE_BUT_LINE_BREAKS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]/g;

/**
 * Removes control, direction and invisible characters, trims, and keeps at most `maxChars`
 * characters (whole code points: an emoji is never cut in half). With `keepLineBreaks`, newlines
 * and tabs stay (a carriage return becomes a newline).
 */
export function plainText(text: string, maxChars: number, { keepLineBreaks = false } = {}): string {
  const cleaned = keepLineBreaks ? text.replace(/\r\n?/g, '\n').replace(UNSAFE_BUT_LINE_BREAKS, '') : text.replace(UNSAFE, '');
  const characters = Array.from(cleaned.trim());
  return characters.length > maxChars ? characters.slice(0, maxChars).join('').trim() : cleaned.trim();
}
