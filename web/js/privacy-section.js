// "My personal data" on the citizen's record: a copy of everything Ventanilla holds about
// them (JSON and PDF), filing an ARCO request, and their requests with status and deadline.

import { get } from "./api.js";
import { session } from "./auth.js";
import { h } from "./dom.js";
import { downloadButton } from "./download.js";
import { formatDateTime, t } from "./i18n.js";
import { moreButton, paged } from "./more.js";
import { kindLabel, requestStatus, requestsOf, trail, when } from "./privacy.js";
import { facts, linkButton, section } from "./ui.js";

export function requestCard(request) {
  return h(
    "li",
    { class: "card privacy-request", dataset: { request: request.id, kind: request.kind, status: request.status } },
    h("h4", {}, kindLabel(request.kind)),
    facts([
      [t("privacy.folio"), h("span", { class: "mono" }, request.id)],
      [t("privacy.statusLabel"), requestStatus(request.status)],
      [t("privacy.openedAt"), formatDateTime(request.opened_at)],
      [t("privacy.deadline"), request.deadline ? when(request.deadline) : null],
    ]),
    request.events?.length ? h("details", { class: "privacy-card-trail" }, h("summary", {}, t("privacyRequest.trail")), trail(request.events, session())) : null,
    h("p", {}, h("a", { href: `#/privacidad/solicitudes/${encodeURIComponent(request.id)}`, "aria-label": t("privacy.followLabel", { id: request.id }) }, t("privacy.follow"))),
  );
}

// `page`: the first page of GET /me/privacy-requests (null when it could not be read).
export function privacySection(page) {
  const requests = requestsOf(page);
  const list = h("ul", { class: "cards", "aria-labelledby": "privacy-requests-heading" }, requests.map(requestCard));
  const more = moreButton(
    list,
    async (cursor) => {
      const next = await get(paged("/me/privacy-requests", cursor));
      return { nodes: requestsOf(next).map(requestCard), cursor: next.next_cursor };
    },
    page?.next_cursor,
  );
  return section(
    "my-data",
    t("privacy.myData"),
    { class: "panel", id: "mis-datos", dataset: { feature: "my-data" } },
    h("p", {}, t("privacy.myDataLead")),
    h(
      "div",
      { class: "actions privacy-downloads" },
      downloadButton(t("privacy.downloadJson"), "/me/export", "mis-datos-ventanilla.json", "secondary", "application/json"),
      downloadButton(t("privacy.downloadPdf"), "/me/export.pdf", "mis-datos-ventanilla.pdf"),
    ),
    h("p", {}, linkButton(t("privacy.fileRequest"), "#/mi-expediente/mis-datos/solicitar", "primary"), " ", h("a", { href: "#/privacidad" }, t("privacy.readNotice"))),
    h("h3", { id: "privacy-requests-heading" }, t("privacy.myRequests")),
    page === null ? h("p", { class: "muted" }, t("privacy.requestsUnavailable")) : requests.length ? [list, more] : h("p", { class: "muted", dataset: { empty: "privacy-requests" } }, t("privacy.noRequests")),
  );
}
