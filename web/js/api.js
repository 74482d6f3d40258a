// The Ventanilla API: JSON over fetch, Bearer ID token, errors as ApiError.
// Errors are {"error": {"code", "message", "details": [{"field", "message"}]}}; the
// server's English message is never shown as is: errors.js translates by code.

import { session } from "./auth.js";
import { config } from "./config.js";
import { lang } from "./i18n.js";

export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message || code);
    this.status = status;
    this.code = code;
    this.details = Array.isArray(details) ? details : [];
  }

  // The route does not exist on this deployment (see api() below).
  get routeMissing() {
    return this.code === "route_not_found" || this.code === "route_missing";
  }
}

export async function api(method, path, { body, idempotencyKey, signal, anonymous = false } = {}) {
  // the page's language: messages the API writes for people (a definition's problems) come in it
  const headers = { Accept: "application/json", "Accept-Language": lang() };
  const user = anonymous ? null : session();
  if (user) headers.Authorization = `Bearer ${user.token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (idempotencyKey) headers["Idempotency-Key"] = idempotencyKey;
  let response;
  try {
    // no-store: a record read on a shared screen must not stay in the browser's HTTP cache
    response = await fetch(`${config().api}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal, cache: "no-store" });
  } catch (error) {
    if (error?.name === "AbortError") throw error;
    throw new ApiError(0, "network", "network error");
  }
  const text = await response.text();
  const payload = parsed(text);
  if (response.ok) return payload ?? {};
  throw failure(response, payload);
}

function parsed(text) {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function failure(response, payload) {
  const error = payload?.error;
  if (error && typeof error.code === "string") return new ApiError(response.status, error.code, error.message, error.details);
  // The API and its gateway answer with the envelope (an unknown route: 404 route_not_found);
  // a 403 or 404 without one comes from something older in front of it: no such route.
  if (response.status === 403 || response.status === 404) return new ApiError(response.status, "route_missing", payload?.message || response.statusText);
  return new ApiError(response.status, `http_${response.status}`, payload?.message || response.statusText);
}

// A file the API answers (a signed document's PDF), fetched with the session's token, which
// a plain link would not send: {blob, filename}, the name the server gave it if it can be
// read (null otherwise). The Accept header must name the file's type: API Gateway hands
// the bytes over only then.
export async function file(path, type = "application/pdf") {
  const headers = { Accept: type };
  const user = session();
  if (user) headers.Authorization = `Bearer ${user.token}`;
  let response;
  try {
    response = await fetch(`${config().api}${path}`, { headers, cache: "no-store" });
  } catch {
    throw new ApiError(0, "network", "network error");
  }
  if (!response.ok) throw failure(response, parsed(await response.text()));
  const named = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") || "");
  return { blob: await response.blob(), filename: named ? named[1] : null };
}

export const get = (path, options) => api("GET", path, options);
export const post = (path, body = {}, options = {}) => api("POST", path, { ...options, body });
export const patch = (path, body = {}, options = {}) => api("PATCH", path, { ...options, body });
export const put = (path, body = {}, options = {}) => api("PUT", path, { ...options, body });
export const del = (path, options) => api("DELETE", path, options);

export function newIdempotencyKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
}

// The catalogue changes rarely: keep what was read during this page's life.
const procedureCache = new Map();
let catalogueCache = null;

// One page of the catalogue's search: {procedures, next_cursor, total, facets}.
// `filters`: {q, state, municipality, agency, topic, limit}; `cursor`: the previous page's next_cursor.
export function searchCatalogue(filters = {}, cursor = null, { signal } = {}) {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(filters)) if (value) query.set(name, String(value));
  if (cursor) query.set("cursor", cursor);
  return get(`/procedures${query.size ? `?${query}` : ""}`, { anonymous: true, signal });
}

// Every procedure in the catalogue, page after page (thousands: only where a person must
// choose among all of them, e.g. a community centre's assistant).
export async function catalogue() {
  if (!catalogueCache) {
    catalogueCache = (async () => {
      const all = [];
      let cursor = null;
      do {
        const page = await searchCatalogue({ limit: 200 }, cursor);
        all.push(...(page.procedures || []));
        cursor = page.next_cursor;
      } while (cursor);
      return all;
    })();
  }
  try {
    return await catalogueCache;
  } catch (error) {
    catalogueCache = null;
    throw error;
  }
}

// The names of some procedures, by code: {code → {es, en}} (one cached read each).
export async function procedureNames(codes) {
  const found = await Promise.all([...new Set(codes)].filter(Boolean).map((code) => procedure(code).catch(() => null)));
  return new Map(found.filter(Boolean).map((item) => [item.code, item.name]));
}

// A procedure just published from this page: read it and the catalogue afresh.
export function forgetProcedure(code) {
  procedureCache.delete(code);
  catalogueCache = null;
}

export async function procedure(code, version) {
  const key = version ? `${code}@${version}` : code;
  if (!procedureCache.has(key)) {
    const path = version ? `/procedures/${encodeURIComponent(code)}/versions/${encodeURIComponent(version)}` : `/procedures/${encodeURIComponent(code)}`;
    procedureCache.set(key, get(path, { anonymous: true }));
  }
  try {
    return await procedureCache.get(key);
  } catch (error) {
    procedureCache.delete(key);
    throw error;
  }
}
