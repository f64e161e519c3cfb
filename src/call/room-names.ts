/**
 * Room names as secrets. Without a password the room name is the room's only secret: whoever
 * guesses it (the broker included) can read the signaling and join. These make a name nobody can
 * guess, and tell a site when the one it uses looks guessable.
 */

/** Letters and digits that cannot be mistaken for one another when read aloud or copied by hand. */
const ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';
/** 4 groups of 5 from 32 characters: 100 random bits. */
const GROUPS = 4;
const GROUP_LENGTH = 5;

/** A room name with 100 random bits, such as `k7mq2-xv9ta-3nhpe-wq4rc`: safe in a URL and easy to read. */
export function randomRoomName(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(GROUPS * GROUP_LENGTH));
  const characters = Array.from(bytes, (byte) => ALPHABET[byte % ALPHABET.length]);
  const groups: string[] = [];
  for (let i = 0; i < GROUPS; i++) groups.push(characters.slice(i * GROUP_LENGTH, (i + 1) * GROUP_LENGTH).join(''));
  return groups.join('-');
}

/** Below this many bits of estimated randomness, a room name is worth a warning. */
const GUESSABLE_BELOW_BITS = 60;
/** What a word from a dictionary is worth (about 65,000 words), however long it is. */
const WORD_BITS = 16;

/** Estimated bits of one part of a name (between spaces, dashes, dots or underscores). */
function partBits(part: string): number {
  const length = Array.from(part).length;
  if (/^\p{L}+$/u.test(part)) return Math.min(WORD_BITS, length * Math.log2(26));
  if (/^[0-9]+$/.test(part)) return length * Math.log2(10);
  let alphabet = 0;
  if (/[a-z]/.test(part)) alphabet += 26;
  if (/[A-Z]/.test(part)) alphabet += 26;
  if (/[0-9]/.test(part)) alphabet += 10;
  if (/[^a-zA-Z0-9]/.test(part)) alphabet += 33;
  return length * Math.log2(alphabet);
}

/**
 * Whether a room name looks guessable: an estimate of its randomness from its parts, counting a
 * part of letters alone as a dictionary word ("team-standup" is two words: about 32 bits) and
 * digits as digits (a date adds little).
 */
export function looksGuessable(room: string): boolean {
  const parts = room.trim().split(/[\s_.-]+/).filter(Boolean);
  return parts.reduce((bits, part) => bits + partBits(part), 0) < GUESSABLE_BELOW_BITS;
}

/** Rooms already warned about on this page. */
const warnedRooms = new Set<string>();

/** Tells the site's developer, once per room, that a room without a password looks guessable. */
export function warnIfGuessable(room: string, password: string): void {
  if (password || !looksGuessable(room) || warnedRooms.has(room)) return;
  warnedRooms.add(room);
  console.warn(`video-chat: the room "${room}" has no password and its name looks guessable. Whoever guesses it can join and read the call's signaling. Use an unguessable name (VideoChat.randomRoom() makes one) or set a password.`);
}
