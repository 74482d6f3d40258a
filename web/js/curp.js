// CURP checks as the citizen types: the same rules as chalicelib/identity/curp.py
// (format, state, real birth date, RENAPO check digit), to help before the server decides.

const STATES = new Set("AS BC BS CC CL CM CS CH DF DG GT GR HG JC MC MN MS NT NL OC PL QT QR SP SL SR TC TS TL VZ YN ZS NE".split(" "));
const PATTERN = /^[A-Z][AEIOUX][A-Z]{2}(\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])[HMX]([A-Z]{2})[B-DF-HJ-NP-TV-Z]{3}([0-9A-Z])\d$/;
const ALPHABET = "0123456789ABCDEFGHIJKLMNÑOPQRSTUVWXYZ";

export function normaliseCurp(value) {
  return String(value || "")
    .toUpperCase()
    .replace(/\s+/g, "");
}

export function curpCheckDigit(first17) {
  let total = 0;
  for (let i = 0; i < 17; i += 1) total += ALPHABET.indexOf(first17[i]) * (18 - i);
  return String((10 - (total % 10)) % 10);
}

// null when valid, otherwise the problem: "empty", "short", "long", "format", "state", "date", "check".
export function curpProblem(raw) {
  const curp = normaliseCurp(raw);
  if (!curp) return "empty";
  if (curp.length < 18) return "short";
  if (curp.length > 18) return "long";
  const match = PATTERN.exec(curp);
  if (!match) return "format";
  const [, yy, mm, dd, state, century] = match;
  if (!STATES.has(state)) return "state";
  const year = (/\d/.test(century) ? 1900 : 2000) + Number(yy);
  const born = new Date(Date.UTC(year, Number(mm) - 1, Number(dd)));
  if (born.getUTCMonth() !== Number(mm) - 1 || born.getUTCDate() !== Number(dd)) return "date";
  if (curp[17] !== curpCheckDigit(curp.slice(0, 17))) return "check";
  return null;
}

export function isCurp(raw) {
  return curpProblem(raw) === null;
}
