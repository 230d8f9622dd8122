// Phone numbers are stored as E.164 (+821049521540); people read and dial them as they are
// written locally: 010-4952-1540 in Korea, +7 701 123 45 67 for a Kazakh mobile.

// Korean area codes of two digits (Seoul) and of three (the other regions, 0xx); mobile and
// special prefixes (010, 070, 050x…) are three digits too.
function koreanNational(digits: string): string | null {
  // digits: the national significant number, without the leading 0.
  const n = "0" + digits;
  const split = (head: number) => {
    const rest = n.slice(head);
    if (rest.length < 7 || rest.length > 8) return null;
    const mid = rest.length === 8 ? 4 : 3;
    return `${n.slice(0, head)}-${rest.slice(0, mid)}-${rest.slice(mid)}`;
  };
  if (n.startsWith("02")) return split(2);
  if (n.startsWith("050") && n.length === 12) return `${n.slice(0, 4)}-${n.slice(4, 8)}-${n.slice(8)}`;
  if (/^0[1-9]\d/.test(n)) return split(3);
  return null;
}

// Kazakhstan (+7 7xx…, and +7 6xx for some operators): +7 701 123 45 67. Russia shares +7;
// its numbers read the same way.
function zone7(digits: string): string | null {
  if (digits.length !== 10) return null;
  return `+7 ${digits.slice(0, 3)} ${digits.slice(3, 6)} ${digits.slice(6, 8)} ${digits.slice(8)}`;
}

/** An E.164 number as people write it; anything else is shown as it was stored. */
export function formatPhone(e164: string | null | undefined): string {
  if (!e164) return "—";
  const m = /^\+(\d+)$/.exec(e164.trim());
  if (!m) return e164;
  const digits = m[1];
  if (digits.startsWith("82")) return koreanNational(digits.slice(2)) ?? e164;
  if (digits.startsWith("7")) return zone7(digits.slice(1)) ?? e164;
  return e164;
}

/** A list of numbers, each as people write it. */
export function formatPhones(numbers: readonly string[] | null | undefined): string {
  return numbers?.length ? numbers.map(formatPhone).join(", ") : "—";
}
