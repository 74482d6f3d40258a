// Spanish first, English on request. Every visible string goes through t(); texts that
// come from a procedure definition are {es, en} objects and go through pick().

const LANGS = ["es", "en"];
const STORAGE_KEY = "ventanilla.lang";
const TIME_ZONE = "America/Mexico_City";
const dictionaries = {};
const listeners = new Set();
let current = "es";

// Keys asked for but missing from the dictionary: the browser tests read this list.
window.__ventanillaMissingKeys = window.__ventanillaMissingKeys || [];

export async function loadDictionaries() {
  const base = new URL("../i18n/", import.meta.url);
  await Promise.all(
    LANGS.map(async (lang) => {
      const response = await fetch(new URL(`${lang}.json`, base), { cache: "no-cache" });
      if (!response.ok) throw new Error(`dictionary ${lang}: HTTP ${response.status}`);
      dictionaries[lang] = await response.json();
    }),
  );
  const saved = safeStorage()?.getItem(STORAGE_KEY);
  current = LANGS.includes(saved) ? saved : "es";
  document.documentElement.lang = current;
}

export function lang() {
  return current;
}

export function otherLang() {
  return current === "es" ? "en" : "es";
}

export function setLang(next) {
  if (!LANGS.includes(next) || next === current) return;
  current = next;
  document.documentElement.lang = next;
  safeStorage()?.setItem(STORAGE_KEY, next);
  for (const listener of listeners) listener(next);
}

export function onLangChange(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function has(key) {
  return Object.hasOwn(dictionaries[current] || {}, key);
}

export function t(key, vars = {}) {
  let text = dictionaries[current]?.[key];
  if (text === undefined) {
    window.__ventanillaMissingKeys.push(`${current}:${key}`);
    console.error(`missing translation ${current}:${key}`);
    text = dictionaries.es?.[key] ?? key;
  }
  return text.replace(/\{(\w+)\}/g, (whole, name) => (vars[name] === undefined || vars[name] === null ? whole : String(vars[name])));
}

// "{n} día hábil" / "{n} días hábiles": keys ending in .one / .other.
export function tn(key, n, vars = {}) {
  return t(`${key}.${n === 1 ? "one" : "other"}`, { n: formatNumber(n), ...vars });
}

// A bilingual text from a procedure definition ({es, en}); Spanish when English is missing.
export function pick(text) {
  if (text === null || text === undefined) return "";
  if (typeof text === "string") return text;
  return text[current] || text.es || "";
}

function locale() {
  return current === "es" ? "es-MX" : "en-US";
}

export function formatNumber(n) {
  return new Intl.NumberFormat(locale()).format(n);
}

export function formatMoney(amount, currency = "MXN") {
  const value = Number(amount);
  if (!Number.isFinite(value)) return "—";
  const text = new Intl.NumberFormat(locale(), { style: "currency", currency, currencyDisplay: "narrowSymbol" }).format(value);
  return `${text} ${currency}`;
}

// Instants are UTC in the API and shown in Mexico City time.
export function formatDateTime(iso) {
  const date = parseDate(iso);
  if (!date) return "—";
  return new Intl.DateTimeFormat(locale(), { timeZone: TIME_ZONE, dateStyle: "medium", timeStyle: "short" }).format(date);
}

// To the second and with its time zone: when something was signed or sealed.
export function formatInstant(iso) {
  const date = parseDate(iso);
  if (!date) return "—";
  return new Intl.DateTimeFormat(locale(), { timeZone: TIME_ZONE, dateStyle: "medium", timeStyle: "long" }).format(date);
}

export function formatDate(iso) {
  const date = parseDate(iso);
  if (!date) return "—";
  return new Intl.DateTimeFormat(locale(), { timeZone: TIME_ZONE, day: "numeric", month: "long", year: "numeric" }).format(date);
}

// A calendar day (YYYY-MM-DD) is a legal date, not an instant: no time-zone shift.
export function formatDay(day) {
  if (typeof day !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(day)) return "—";
  const [y, m, d] = day.split("-").map(Number);
  return new Intl.DateTimeFormat(locale(), { timeZone: "UTC", day: "numeric", month: "long", year: "numeric" }).format(new Date(Date.UTC(y, m - 1, d)));
}

function parseDate(iso) {
  if (!iso) return null;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? null : date;
}

function safeStorage() {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}
