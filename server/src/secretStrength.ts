// Refuses secrets that are placeholders or guessable. An unedited example file or a made-up
// value must stop the server at start: a signing secret anyone can read in our own
// repository lets them forge an admin's token.

/** How to make a good secret; said in every refusal. */
export const SECRET_HINT = 'generate one with: openssl rand -base64 48';

/**
 * Words that mark a value as a placeholder, not a secret (case-insensitive). Each is at
 * least five characters, so a random secret practically never holds one (under 1 in
 * 100,000 for 64 random base64 characters, all words together).
 */
const PLACEHOLDER = /change[-_ ]?me|replace|example|placeholder|secret|x{6,}|your[-_ ]|fill[-_ ]?in|insert[-_ ]|sample|default|password|openssl|rand[-_ ]?base64/i;

const LONGEST_RUN = 5; // "aaaaaa" (six of one character) is a pattern, not chance
const LONGEST_SEQUENCE = 5; // "abcdef", "654321"

function longestRun(s: string, step: (a: number, b: number) => boolean): number {
  let best = 1;
  let run = 1;
  for (let i = 1; i < s.length; i++) {
    run = step(s.charCodeAt(i - 1), s.charCodeAt(i)) ? run + 1 : 1;
    best = Math.max(best, run);
  }
  return best;
}

/** The whole value is a short unit said over and over ("abc123abc123abc123"). */
function repeatsShortUnit(s: string): boolean {
  for (let unit = 1; unit <= s.length / 3; unit++) {
    if (s.slice(unit) === s.slice(0, s.length - unit)) return true;
  }
  return false;
}

export interface SecretRule {
  readonly minLength: number;
  /** At least this many different characters. */
  readonly minDistinct: number;
}

/** Why `value` is unfit as a secret, or undefined when it is fine. */
export function weakSecretReason(value: string, rule: SecretRule): string | undefined {
  const marker = PLACEHOLDER.exec(value);
  if (marker) return `looks like a placeholder (contains "${marker[0]}")`;
  if (value.length < rule.minLength) return `must be at least ${rule.minLength} random characters`;
  if (new Set(value).size < rule.minDistinct) return `is predictable (fewer than ${rule.minDistinct} different characters)`;
  if (longestRun(value, (a, b) => a === b) > LONGEST_RUN) return 'is predictable (a long run of one character)';
  const sequence = Math.max(longestRun(value, (a, b) => b === a + 1), longestRun(value, (a, b) => b === a - 1));
  if (sequence > LONGEST_SEQUENCE) return 'is predictable (a long sequence like abcdef or 123456)';
  if (repeatsShortUnit(value)) return 'is predictable (a short pattern repeated)';
  return undefined;
}
