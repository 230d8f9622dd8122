// Passphrase strength feedback for the first-run screen. An estimate of guessing entropy:
// character classes present times length, with penalties for repeats, sequences and common
// words. The workspace itself refuses fewer than 10 characters (MIN_PASSPHRASE_CHARS).

export const MIN_PASSPHRASE_CHARS = 10;

export type Strength = {
  /** 0 too short, 1 weak, 2 fair, 3 good, 4 strong */
  score: 0 | 1 | 2 | 3 | 4;
  bits: number;
  /** Locale keys of hints to show. */
  hints: string[];
};

const COMMON = [
  "password", "passw0rd", "qwerty", "123456", "111111", "admin", "qorgau", "kazakhstan",
  "korea", "seoul", "astana", "almaty", "консул", "пароль", "қорғау", "letmein", "iloveyou",
];

function poolSize(text: string): number {
  let pool = 0;
  if (/[a-z]/.test(text)) pool += 26;
  if (/[A-Z]/.test(text)) pool += 26;
  if (/[0-9]/.test(text)) pool += 10;
  if (/[а-яёәғқңөұүһі]/.test(text)) pool += 42;
  if (/[А-ЯЁӘҒҚҢӨҰҮҺІ]/.test(text)) pool += 42;
  if (/[\uAC00-\uD7A3]/.test(text)) pool += 2350;
  if (/[^a-zA-Z0-9а-яёәғқңөұүһіА-ЯЁӘҒҚҢӨҰҮҺІ\uAC00-\uD7A3\s]/.test(text)) pool += 33;
  if (/\s/.test(text)) pool += 1;
  return Math.max(pool, 1);
}

/** Characters that add little: a repeat of the previous one, or the next in a run (abc, 321). */
function predictableChars(chars: string[]): number {
  let count = 0;
  for (let i = 1; i < chars.length; i++) {
    const prev = chars[i - 1].codePointAt(0)!;
    const cur = chars[i].codePointAt(0)!;
    if (cur === prev || Math.abs(cur - prev) === 1) count++;
  }
  return count;
}

export function passphraseStrength(text: string): Strength {
  const chars = Array.from(text);
  const hints: string[] = [];
  if (chars.length < MIN_PASSPHRASE_CHARS) {
    return { score: 0, bits: 0, hints: ["strength.hint_length"] };
  }
  const effective = chars.length - predictableChars(chars) * 0.75;
  let bits = effective * Math.log2(poolSize(text));
  const lower = text.toLowerCase();
  if (COMMON.some((w) => lower.includes(w))) {
    bits -= 20;
    hints.push("strength.hint_common");
  }
  if (new Set(chars).size <= chars.length / 3) {
    bits -= 15;
    hints.push("strength.hint_repeats");
  }
  if (!/\s/.test(text.trim()) && chars.length < 16) hints.push("strength.hint_words");
  bits = Math.max(0, Math.round(bits));
  const score = bits < 40 ? 1 : bits < 60 ? 2 : bits < 80 ? 3 : 4;
  return { score, bits, hints };
}
