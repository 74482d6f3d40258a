// The data-protection officer's queue of ARCO requests: earliest legal deadline first, by
// status, a page at a time ("More" adds the next).
//
// API: GET /privacy-requests?status=<status> → {requests: [...], next_cursor}.

import { get } from "../api.js";
import { append, h } from "../dom.js";
import { formatDateTime, t, tn } from "../i18n.js";
import { moreButton, paged } from "../more.js";
import { kindLabel, requestStatus, requestsOf, when } from "../privacy.js";
import { navigate } from "../router.js";
import { button, notice, pageHeading, setTitle } from "../ui.js";

export const STATUSES = ["received", "extended", "referred", "granted", "partially_granted", "denied"];

function row(request) {
  const href = `#/privacidad/solicitudes/${encodeURIComponent(request.id)}`;
  return h(
    "tr",
    { dataset: { request: request.id, status: request.status, kind: request.kind } },
    h("td", { "data-label": t("privacy.folio") }, h("a", { href }, h("span", { class: "mono" }, request.id))),
    h("td", { "data-label": t("privacy.kindLabel") }, kindLabel(request.kind)),
    h("td", { "data-label": t("privacy.statusLabel") }, requestStatus(request.status)),
    h("td", { "data-label": t("privacy.openedAt") }, formatDateTime(request.opened_at)),
    h("td", { "data-label": t("privacy.deadline") }, request.deadline ? when(request.deadline) : "—"),
    h("td", { "data-label": t("record.action") }, h("a", { href, "aria-label": t("privacyQueue.openLabel", { id: request.id }) }, t("privacyQueue.open"))),
  );
}

export async function render(view, ctx) {
  setTitle(t("privacyQueue.title"));
  const status = STATUSES.includes(ctx.query.estado) ? ctx.query.estado : "";
  const path = status ? `/privacy-requests?status=${encodeURIComponent(status)}` : "/privacy-requests";
  const queue = await get(path);
  const requests = requestsOf(queue);
  const body = h("tbody", {}, requests.map(row));
  const more = moreButton(
    body,
    async (cursor) => {
      const page = await get(paged(path, cursor));
      return { nodes: requestsOf(page).map(row), cursor: page.next_cursor };
    },
    queue.next_cursor,
  );
  const select = h(
    "select",
    { id: "status-filter", name: "estado", class: "input-short" },
    h("option", { value: "" }, t("privacyQueue.allStatuses")),
    STATUSES.map((value) => h("option", { value, selected: value === status }, t(`privacy.status.${value}`))),
  );
  const filter = h(
    "form",
    {
      class: "privacy-filter",
      onsubmit: (event) => {
        event.preventDefault();
        navigate(select.value ? `/privacidad/solicitudes?estado=${encodeURIComponent(select.value)}` : "/privacidad/solicitudes");
      },
    },
    h("div", { class: "field" }, h("label", { class: "label", for: "status-filter" }, t("privacyQueue.status")), select),
    h("div", { class: "actions" }, button(t("privacyQueue.filter"), { type: "submit", kind: "secondary" })),
  );
  append(
    view,
    ...pageHeading(t("privacyQueue.title"), t("privacyQueue.lead")),
    filter,
    h("p", { class: "muted", role: "status" }, requests.length ? tn(queue.next_cursor ? "privacyQueue.countFirst" : "privacyQueue.count", requests.length) : ""),
    requests.length
      ? h(
          "div",
          { class: "table-wrap" },
          h(
            "table",
            { class: "responsive", "aria-label": t("privacyQueue.title") },
            h("thead", {}, h("tr", {}, ["privacy.folio", "privacy.kindLabel", "privacy.statusLabel", "privacy.openedAt", "privacy.deadline", "record.action"].map((key) => h("th", { scope: "col" }, t(key))))),
            body,
          ),
        )
      : notice("info", h("p", { dataset: { empty: "privacy-queue" } }, t(status ? "privacyQueue.emptyStatus" : "privacyQueue.empty"))),
    more,
  );
}
