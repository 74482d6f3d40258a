// The privacy notice and the ARCO rights (access, rectification, cancellation, opposition)
// as every page shows them: the notice's text, a request's kind, status, deadline and trail,
// and the gate that asks a citizen to accept the notice's current version before anything else.
//
// API: GET /privacy-notice → {version, effective_at, es: {title, sections: [{heading, body}]},
// en: {...}, processing?: [...]}; GET /me → {privacy_notice: {current, accepted, accepted_at}}
// (also read from profile); POST /me/privacy-notice {version} → {accepted, accepted_at}, 409
// privacy_notice_outdated when another version became current meanwhile.

import { ApiError, get, post } from "./api.js";
import { h } from "./dom.js";
import { errorMessage } from "./errors.js";
import { formatDate, formatDateTime, formatDay, has, lang, pick, t } from "./i18n.js";
import { navigate, refresh } from "./router.js";
import { button, facts, notice, pageHeading, setTitle, whileBusy } from "./ui.js";

export const KINDS = ["access", "rectification", "cancellation", "opposition"];
export const OUTCOMES = ["granted", "partially_granted", "denied", "referred", "extended"];
// Statuses in which the data-protection officer still owes an answer.
export const KNOWN_PROCESSING = ["progress_sms", "registry_prefill"];
// The registries a rectification can be referred to (chalicelib/registries/catalogue.py).
export const REGISTRIES = ["population", "tax", "social_security", "cadastre"];
export const OPEN = new Set(["received", "extended", "in_progress"]);

let noticeRead = null;

// The current notice, read once per page life (again after a 409 says it changed).
export async function privacyNotice({ fresh = false } = {}) {
  if (fresh || !noticeRead) noticeRead = get("/privacy-notice", { anonymous: true });
  try {
    return await noticeRead;
  } catch (error) {
    noticeRead = null;
    throw error;
  }
}

// The notice's text in the reader's language (Spanish when the other is missing).
export function noticeText(privacy) {
  return privacy?.[lang()] || privacy?.es || { title: "", sections: [] };
}

// Paragraphs of a section body: blank lines part them; lines starting "- " are a list.
function paragraphs(body) {
  return String(body || "")
    .split(/\n\s*\n/)
    .filter((part) => part.trim())
    .map((part) => {
      const lines = part.split("\n").map((line) => line.trim());
      if (lines.every((line) => line.startsWith("- "))) return h("ul", {}, lines.map((line) => h("li", {}, line.slice(2))));
      return h("p", {}, lines.join(" "));
    });
}

// The notice's sections under headings of `level` (the page's h1 is the notice's title).
export function noticeSections(privacy, level = 2) {
  const text = noticeText(privacy);
  return h(
    "div",
    { class: "privacy-notice", dataset: { version: String(privacy?.version ?? "") } },
    (text.sections || []).map((part) => h("section", { class: "privacy-section" }, h(`h${level}`, {}, part.heading), paragraphs(part.body))),
  );
}

// "Versión 2, vigente desde el 1 de diciembre de 2026".
export function versionLine(privacy) {
  return t("privacy.versionLine", { version: privacy?.version ?? "", date: when(privacy?.effective_at) });
}

// A deadline or a date from the API: a legal day (YYYY-MM-DD) or an instant.
export function when(value) {
  if (typeof value === "string" && /^\d{4}-\d{2}-\d{2}$/.test(value)) return formatDay(value);
  return formatDate(value);
}

// The processings a person may oppose (the non-essential ones the notice lists): the notice
// answers them as a list of {id, ...} or as a map from id to its description {es, en}.
export function opposable(privacy) {
  const listed = privacy?.processing || privacy?.processings || [];
  let items = Array.isArray(listed) ? listed : Object.entries(listed).map(([id, description]) => ({ id, description }));
  // a notice that does not list them: the ones its text names (see privacy.processingName.*)
  if (!items.length && privacy) items = KNOWN_PROCESSING.map((id) => ({ id }));
  return items.filter((item) => item && item.id && item.essential !== true);
}

export function processingName(item) {
  if (has(`privacy.processingName.${item?.id}`)) return t(`privacy.processingName.${item.id}`);
  return pick(item?.name || item?.title) || item?.id || "";
}

// The notice's words for what opposing a processing stops: {es, en} on the item or in `description`.
export function processingDescription(item) {
  return pick(item?.description || (item?.es || item?.en ? { es: item.es, en: item.en } : null));
}

export function kindLabel(kind) {
  return t(has(`privacy.kind.${kind}`) ? `privacy.kind.${kind}` : "privacy.kind.other");
}

const TONES = { received: "info", in_progress: "info", extended: "warning", referred: "warning", granted: "success", partially_granted: "success", denied: "danger", closed: "neutral" };

export function requestStatus(status) {
  return h("strong", { class: `tag tag-${TONES[status] || "neutral"}`, dataset: { status } }, t(has(`privacy.status.${status}`) ? `privacy.status.${status}` : "privacy.status.other"));
}

export function requestsOf(page) {
  return page?.requests || page?.privacy_requests || page?.items || [];
}

function actorLabel(actor, viewer) {
  if (!actor) return t("privacy.actor.system");
  if (typeof actor === "string") return actor === viewer?.username ? t("actor.you") : actor;
  switch (actor.kind) {
    case "citizen":
      return viewer?.isCitizen && viewer.username === actor.id ? t("actor.you") : t("actor.citizen");
    case "privacy-officer":
    case "privacy_officer":
    case "officer":
      return t("privacy.actor.officer");
    case "registry":
      return t("privacy.actor.registry", { registry: actor.name || actor.id || "" });
    case "system":
      return t("actor.system");
    default:
      return actor.name || actor.role || actor.id || t("privacy.actor.system");
  }
}

function eventText(event) {
  const action = event.action || "";
  return t(has(`privacy.event.${action}`) ? `privacy.event.${action}` : "privacy.event.other");
}

// The request's trail: who did what and when, oldest first.
export function trail(events, viewer) {
  if (!events?.length) return h("p", { class: "muted" }, t("privacy.noEvents"));
  return h(
    "ol",
    { class: "timeline privacy-trail" },
    events.map((event) =>
      h(
        "li",
        { dataset: { action: event.action || "", statusChange: event.action === "received" || event.action === "registry_answer" ? "false" : "true" } },
        h("time", { datetime: event.at }, formatDateTime(event.at)),
        h("p", { class: "event-title" }, eventText(event)),
        h("p", { class: "event-actor" }, actorLabel(event.actor, viewer)),
        event.reason ? h("p", { class: "event-reason" }, h("span", { class: "visually-hidden" }, `${t("event.reason")}: `), event.reason) : null,
      ),
    ),
  );
}

// What was asked (the API keeps it under `details`).
export function asked(request) {
  return { ...(request.details || {}), ...Object.fromEntries(["target", "correction", "scope", "processing", "reason"].filter((key) => request[key] !== undefined && request[key] !== null).map((key) => [key, request[key]])) };
}

// The last event of the trail with one of `actions`.
function lastEvent(request, actions) {
  return [...(request.events || [])].reverse().find((event) => actions.includes(event.action)) || null;
}

export function registryAnswerOf(request) {
  const event = lastEvent(request, ["registry_answer"]);
  return event ? event.details?.answer || event.answer || null : null;
}

// What a request asks, and what came of it, as facts.
export function requestFacts(request, privacy, { holder = false } = {}) {
  const what = asked(request);
  const processing = opposable(privacy).find((item) => item.id === what.processing);
  const decision = request.outcome ? lastEvent(request, [request.outcome]) : null;
  const registryEvent = lastEvent(request, ["registry_answer"]);
  const registryAnswer = registryAnswerOf(request);
  return facts([
    [t("privacy.folio"), h("span", { class: "mono" }, request.id)],
    [t("privacyRequest.holder"), holder && request.holder ? h("span", { class: "mono" }, request.holder) : null],
    [t("privacy.kindLabel"), kindLabel(request.kind)],
    [t("privacy.statusLabel"), requestStatus(request.status)],
    [t("privacy.openedAt"), formatDateTime(request.opened_at)],
    [t("privacy.deadline"), request.deadline ? when(request.deadline) : null],
    [t("privacy.effectiveBy"), request.effective_by ? when(request.effective_by) : null],
    [t("privacy.target"), what.target ? targetLabel(what.target) : null],
    [t("privacy.correction"), what.correction || null],
    [t("privacy.scope"), Array.isArray(what.scope) && what.scope.length ? what.scope.map(scopeLabel).join(", ") : null],
    [t("privacy.processing"), what.processing ? (processing ? processingName(processing) : what.processing) : null],
    [t("privacy.reason"), what.reason || null],
    [t("privacy.registry"), request.registry ? (has(`privacy.registryName.${request.registry}`) ? t(`privacy.registryName.${request.registry}`) : request.registry) : null],
    [t("privacy.outcome"), request.outcome && has(`privacy.outcome.${request.outcome}`) ? t(`privacy.status.${request.outcome}`) : null],
    [t("privacy.answer"), decision?.reason || null],
    [t("privacy.effects"), effectsText(request.effects, privacy)],
    [t("privacy.registryAnswer"), registryAnswer ? [t(`privacy.registryAnswer.${registryAnswer}`), registryEvent?.reason ? `: ${registryEvent.reason}` : ""].join("") : null],
  ]);
}

// What a granted request changed, in words: erased (how many of each), kept by law, the
// processing stopped, the fact corrected, the copy delivered.
function effectsText(effects, privacy) {
  if (!effects) return null;
  const lines = [];
  const erased = Object.entries(effects.erased || {});
  if (erased.length) lines.push(t("privacy.effect.erased", { items: erased.map(([scope, n]) => `${scopeLabel(scope)} (${n})`).join("; ") }));
  const kept = Object.keys(effects.kept || {});
  if (kept.length) lines.push(t("privacy.effect.kept", { items: kept.map(scopeLabel).join("; ") }));
  const stopped = effects.stopped || [];
  if (stopped.length) lines.push(t("privacy.effect.stopped", { items: stopped.map((id) => processingName(opposable(privacy).find((item) => item.id === id) || { id })).join("; ") }));
  if (effects.target) lines.push(t("privacy.effect.corrected"));
  if (effects.export_sha256) lines.push(t("privacy.effect.access"));
  return lines.length ? h("div", { dataset: { effects: "" } }, lines.map((line) => h("p", {}, line))) : null;
}

// "profile.name" → "Nombre"; "applications/<id>/form.<field>" → "Solicitud <id>: <field>".
export function targetLabel(target) {
  if (target === "profile.name") return t("record.name");
  const match = /^applications\/([^/]+)\/form\.(.+)$/.exec(String(target));
  if (match) return h("span", {}, t("privacy.targetField", { id: match[1] }), " ", h("span", { class: "mono" }, match[2]));
  return h("span", { class: "mono" }, target);
}

export function scopeLabel(scope) {
  return has(`privacy.scope.${scope}`) ? t(`privacy.scope.${scope}`) : scope;
}

// ---- the gate: a citizen accepts the notice's current version before their pages ----

let acceptedBy = null; // the username known to have accepted the current version

export function rememberAccepted(username) {
  acceptedBy = username;
}

// The API refused a draft with 409 privacy_notice_required (the notice changed since this tab
// checked): the gate asks again, and once accepted the page comes back with what was typed.
export function isNoticeRequired(error) {
  return error instanceof ApiError && error.code === "privacy_notice_required";
}

export function askForNotice() {
  acceptedBy = null;
  return refresh();
}

function acceptanceOf(record) {
  return record?.privacy_notice || record?.profile?.privacy_notice || null;
}

// Draws the notice with an Accept button in `view` instead of the page when the signed-in
// citizen has not accepted the current version; answers whether it did.
export async function privacyGate(view, ctx, user) {
  if (!user?.isCitizen || acceptedBy === user.username) return false;
  let status;
  try {
    status = acceptanceOf(await get("/me"));
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) throw error;
    return false; // the page itself will say what failed
  }
  // a deployment whose API records no acceptance has nothing to ask
  if (!status || status.current === undefined || status.accepted === status.current) {
    acceptedBy = user.username;
    return false;
  }
  const privacy = await privacyNotice({ fresh: true }).catch(() => null);
  if (!privacy || !ctx.alive()) return false;
  drawGate(view, privacy, status, user, ctx);
  return true;
}

function drawGate(view, privacy, status, user, ctx) {
  const changed = status.accepted !== null && status.accepted !== undefined;
  setTitle(t(changed ? "privacyGate.changedTitle" : "privacyGate.title"));
  const message = h("div", { "aria-live": "assertive" });
  const accept = button(t("privacyGate.accept", { version: privacy.version }), {
    dataset: { accept: String(privacy.version) },
    onclick: () =>
      whileBusy(accept, async () => {
        message.replaceChildren();
        try {
          await post("/me/privacy-notice", { version: privacy.version });
          acceptedBy = user.username;
          // on to the page that was asked for, read afresh and focused as any page is (with
          // what was typed in it, when the API's refusal sent the citizen here)
          navigate(ctx.path, { replace: true, keepState: true });
        } catch (error) {
          if (error instanceof ApiError && error.code === "privacy_notice_outdated") {
            await privacyNotice({ fresh: true }).catch(() => null);
            await refresh();
            return;
          }
          message.replaceChildren(notice("error", h("p", {}, errorMessage(error))));
        }
      }),
  });
  view.append(
    ...pageHeading(t(changed ? "privacyGate.changedTitle" : "privacyGate.title"), changed ? t("privacyGate.changedLead", { before: status.accepted, version: privacy.version, date: when(privacy.effective_at) }) : t("privacyGate.lead")),
    h(
      "section",
      { class: "panel privacy-gate", "aria-labelledby": "privacy-gate-heading", dataset: { feature: "privacy-gate" } },
      h("h2", { id: "privacy-gate-heading" }, noticeText(privacy).title || t("privacy.title")),
      h("p", { class: "muted" }, versionLine(privacy)),
      noticeSections(privacy, 3),
    ),
    message,
    h("div", { class: "actions" }, accept, h("a", { href: "#/privacidad" }, t("privacyGate.readAlone"))),
  );
}
