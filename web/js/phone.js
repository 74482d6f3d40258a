// Phone numbers as people type them, read the way the API reads them
// (chalicelib/notifications/phones.py): separators dropped, the old prefixes 044, 045
// and 01 (and the 1 after +52) dropped, a number without + or 00 read as Mexican, and
// a Mexican number is 10 digits that do not start with 0. Numbers of other countries are
// left to the API, which knows which countries this deployment texts.

const SEPARATORS = /[\s\-.()/]+/g;
const LEGACY_PREFIXES = ["044", "045", "01"];
// The most digits a Mexican number can be typed with: 044 or 521 and ten digits.
const LONGEST_NATIONAL = 13;

function mexican(digits, afterCountryCode) {
  let national = digits;
  if (afterCountryCode && national.length === 11 && national.startsWith("1")) national = national.slice(1);
  if (!afterCountryCode) {
    const prefix = LEGACY_PREFIXES.find((item) => national.length === 10 + item.length && national.startsWith(item));
    if (prefix) national = national.slice(prefix.length);
    else if (national.length === 12 && national.startsWith("52")) national = national.slice(2);
    else if (national.length === 13 && national.startsWith("521")) national = national.slice(3);
  }
  if (national.length !== 10) {
    // While typing, a number still short of a valid form is not an error yet.
    const tooLong = afterCountryCode ? digits.length > 11 : digits.length > LONGEST_NATIONAL;
    return { problem: "length", n: national.length, final: tooLong };
  }
  if (national[0] === "0") return { problem: "zero", final: false };
  return { phone: `+52${national}` };
}

// { phone: "+52…" } when the number reads as one the API accepts, { phone, foreign: true }
// for another country's (the API decides), or { problem, n, final }: problem is empty,
// chars, length (n: the digits left after the prefixes), zero or invalid, and final says
// it stands however many more digits are typed.
export function readPhone(raw) {
  const text = String(raw ?? "")
    .trim()
    .replace(SEPARATORS, "");
  if (!text) return { problem: "empty", final: false };
  const international = text.startsWith("+") || text.startsWith("00");
  const digits = text.startsWith("+") ? text.slice(1) : text.startsWith("00") ? text.slice(2) : text;
  if (!/^[0-9]*$/.test(digits)) return { problem: "chars", final: true };
  if (!digits || "52".startsWith(digits)) return { problem: "invalid", final: false };
  if (!international) return mexican(digits, false);
  if (digits.startsWith("52")) return mexican(digits.slice(2), true);
  if (digits[0] === "0" || digits.length > 15) return { problem: "invalid", final: true };
  return digits.length >= 7 ? { phone: `+${digits}`, foreign: true } : { problem: "invalid", final: false };
}
