// The audit trail as people read it: what happened, who did it, when, and why.
// Citizens and officials see the same events.

import { get } from "./api.js";
import { h } from "./dom.js";
import { formatDateTime, formatDay, formatMoney, has, pick, t, tn } from "./i18n.js";
import { agencyName, stepName } from "./procedures.js";
import { moreButton, paged, readPages } from "./more.js";
import { statusLabel } from "./ui.js";

// Events per read of the trail: the most a page may hold, so most applications' whole story
// comes in one read.
const TRAIL_PAGE = 200;

export function actorText(actor, definition, viewer) {
  if (!actor) return "";
  switch (actor.kind) {
    case "citizen":
      return viewer?.isCitizen && viewer.username === actor.id ? t("actor.you") : t("actor.citizen");
    case "system":
      return t("actor.system");
    case "anonymous":
      return t("actor.public");
    case "assistant":
      return t("actor.assistant", { name: actor.name || actor.id || "", centre: actor.centre || "" });
    case "caller":
      return t("actor.caller", { phone: actor.id || "" });
    case "agent":
      return t("actor.agent", { name: actor.name || actor.id || "", centre: actor.centre || "" });
    case "official":
    case "supervisor":
      return t(`actor.${actor.kind}`, { agency: actor.agency ? agencyName(definition, actor.agency.split(",")[0]) : "", id: actor.id });
    default:
      return t("actor.staff", { id: actor.id || "" });
  }
}

function requirementName(definition, code) {
  const requirement = (definition?.requirements || []).find((item) => item.code === code);
  return requirement ? pick(requirement.name) : code;
}

function detailText(event, definition) {
  const details = event.details || {};
  switch (event.action) {
    case "document.declared":
      if (details.filename) return t("event.detail.file", { name: details.filename });
      return details.requirement ? t("event.detail.requirement", { name: requirementName(definition, details.requirement) }) : "";
    case "phones.purged":
      return (details.phones || []).join(", ");
    case "sms_log.purged":
      return details.messages ? t("event.detail.messages", { n: details.messages }) : "";
    case "review.opened":
    case "review.resumed":
    case "review.escalated":
      return details.deadline ? t("event.detail.deadline", { date: formatDateTime(details.deadline), step: stepName(definition, details.step) }) : "";
    case "review.changes_requested":
      return details.corrections_deadline ? t("event.detail.correctionsDeadline", { date: formatDateTime(details.corrections_deadline) }) : "";
    case "payment.requested":
      return details.reference ? t("event.detail.payment", { reference: details.reference, amount: formatMoney(details.amount) }) : "";
    case "document.issued":
      return details.valid_until ? t("event.detail.validUntil", { date: formatDay(details.valid_until) }) : "";
    case "document.verified":
      return [
        t(details.valid ? "event.detail.verifiedValid" : "event.detail.verifiedInvalid"),
        details.verifications ? t("event.detail.verifications", { n: details.verifications }) : "",
      ].filter(Boolean).join(" · ");
    case "checks.failed":
      return (details.failed || []).map((message) => pick(message)).join(" ");
    case "evidence.unavailable":
      return details.reason ? pick(details.reason) : "";
    case "callback.requested":
      return t("event.detail.callbackRequested", { phone: details.phone || "", date: details.deadline ? formatDateTime(details.deadline) : "" });
    case "callback.completed":
      return has(`callback.outcome.${details.outcome}`) ? t(`callback.outcome.${details.outcome}`) : "";
    case "rating.submitted":
      return t("event.detail.rating", { score: details.score }) + (details.comment ? ` «${details.comment}»` : "");
    default:
      return "";
  }
}

export function eventTitle(action) {
  const key = `event.${action}`;
  return has(key) ? t(key) : t("event.other");
}

function eventItem(event, definition, viewer) {
  const reason = event.action === "workflow.failed" ? t("event.workflowFailedBody") : event.action === "checks.failed" ? null : event.reason;
  const detail = detailText(event, definition);
  return h(
    "li",
    { dataset: { action: event.action, statusChange: event.to_status ? "true" : "false", seq: String(event.seq) } },
    h("time", { datetime: event.at }, formatDateTime(event.at)),
    h("p", { class: "event-title" }, eventTitle(event.action), event.to_status ? h("span", { class: "muted" }, ` → ${statusLabel(event.to_status)}`) : null),
    h("p", { class: "event-actor" }, actorText(event.actor, definition, viewer)),
    detail ? h("p", { class: "event-actor muted" }, detail) : null,
    event.details?.out_of_order
      ? h("p", { class: "event-turn", dataset: { outOfOrder: "true" } }, h("strong", { class: "tag tag-warning" }, t("event.outOfOrder")), " ", tn("event.outOfOrderDetail", event.details.earlier_open || 0, { reason: event.details.reason_out_of_order || "" }))
      : null,
    reason ? h("p", { class: "event-reason" }, h("span", { class: "visually-hidden" }, `${t("event.reason")}: `), reason) : null,
  );
}

const auditPath = (id) => `/applications/${encodeURIComponent(id)}/audit?limit=${TRAIL_PAGE}`;

// The audit trail of application `id`, oldest first (the chain's order, as the API pages it):
// pages of TRAIL_PAGE events are read until `enough(events)` holds or the trail ends.
// Answers the events read and the cursor of the rest (null: the whole trail was read).
export async function readTrail(id, enough = () => true) {
  const { items, cursor } = await readPages(auditPath(id), "events", enough);
  return { events: items, cursor };
}

// The story in the order it happened, oldest first; when `trail.cursor` says there is more,
// a "More" button appends the later events below, where the story goes on.
export function timeline(id, trail, definition, viewer) {
  const ordered = [...trail.events].sort((a, b) => a.seq - b.seq);
  const list = h(
    "ol",
    { class: "timeline" },
    ordered.map((event) => eventItem(event, definition, viewer)),
  );
  const more = moreButton(
    list,
    async (cursor) => {
      const page = await get(paged(auditPath(id), cursor));
      return { nodes: (page.events || []).map((event) => eventItem(event, definition, viewer)), cursor: page.next_cursor };
    },
    trail.cursor,
  );
  return more ? [h("p", { class: "muted", dataset: { trail: "partial" } }, tn("application.historyFirst", ordered.length)), list, more] : list;
}
