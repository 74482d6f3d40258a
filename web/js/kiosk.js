// Kiosk mode, for the shared screens of community centres.
//
// On when the page is opened with ?kiosk=1 (the centre's shortcut, e.g. chromium --kiosk
// "https://…/?kiosk=1"), or for every page when /config.json says {"kiosk": {"enabled": true}}.
// Then: large touch targets (the "kiosk" class on <html>), a banner that says the screen is
// shared, automatic sign-out after config.kiosk.idleSeconds without a touch or a key
// (120 by default), and a sign-out that leaves nothing behind: the refresh token is
// revoked in Cognito (so a copy taken from the screen is worthless), then localStorage,
// sessionStorage, cookies, Cache Storage and IndexedDB are emptied, then the page is
// reloaded so that nothing stays in memory either.

import { session, signOut } from "./auth.js";
import { config } from "./config.js";

const ACTIVITY = ["pointerdown", "keydown", "touchstart", "input", "wheel"];
const ENDED = "kiosco"; // #/?kiosco=salida|inactividad after the reload, for the notice

let lastActivity = Date.now();

export function kioskOn() {
  return new URLSearchParams(window.location.search).get("kiosk") === "1" || config().kiosk.enabled;
}

// Why the previous kiosk session ended ("salida" or "inactividad"), read once after the reload.
export function endedBecause() {
  const query = window.location.hash.split("?")[1] || "";
  return new URLSearchParams(query).get(ENDED);
}

export function startKiosk() {
  document.documentElement.classList.add("kiosk");
  const touch = () => {
    lastActivity = Date.now();
  };
  for (const name of ACTIVITY) window.addEventListener(name, touch, { capture: true, passive: true });
  // Checked every second against the clock (a timer reset on each touch would drift
  // when the machine sleeps); a screen nobody signed in to is wiped too.
  window.setInterval(() => {
    if (Date.now() - lastActivity >= config().kiosk.idleSeconds * 1000 && (session() || storageUsed())) endKioskSession("inactividad");
  }, 1000);
}

function storageUsed() {
  try {
    return window.localStorage.length > 0 || window.sessionStorage.length > 0 || document.cookie !== "";
  } catch {
    return false;
  }
}

let ending = false;

export async function endKioskSession(reason = "salida") {
  if (ending) return;
  ending = true;
  await signOut();
  await wipe();
  window.location.replace(`${window.location.pathname}${window.location.search}#/?${ENDED}=${reason}`);
  window.location.reload();
}

// Empty every store a page can write to.
export async function wipe() {
  for (const store of ["localStorage", "sessionStorage"]) {
    try {
      window[store].clear();
    } catch {
      // storage disabled: nothing to clear
    }
  }
  for (const cookie of document.cookie.split(";")) {
    const name = cookie.split("=")[0].trim();
    if (!name) continue;
    for (const path of ["/", window.location.pathname]) document.cookie = `${name}=; expires=Thu, 01 Jan 1970 00:00:00 GMT; max-age=0; path=${path}`;
  }
  try {
    if (window.caches) await Promise.all((await window.caches.keys()).map((key) => window.caches.delete(key)));
  } catch {
    // Cache Storage unavailable (not a secure context): nothing was stored there
  }
  try {
    if (window.indexedDB?.databases) await Promise.all((await window.indexedDB.databases()).map((database) => dropDatabase(database.name)));
  } catch {
    // IndexedDB unavailable: nothing was stored there
  }
}

function dropDatabase(name) {
  return new Promise((resolve) => {
    const request = window.indexedDB.deleteDatabase(name);
    request.onsuccess = request.onerror = request.onblocked = () => resolve();
  });
}
