// "Who files for you": the assistants of community centres a citizen gave consent to,
// what they filed, and the citizen's controls — a one-time code to show an assistant,
// allowing (or not) the issued document, and revoking access (at once).

import { del, patch, post } from "./api.js";
import { h } from "./dom.js";
import { errorMessage } from "./errors.js";
import { formatDateTime, t } from "./i18n.js";
import { refresh } from "./router.js";
import { announce, button, facts, notice, whileBusy } from "./ui.js";

function delegationCard(delegation) {
  const live = delegation.status === "active" || delegation.status === "pending";
  const problem = h("p", { class: "field-error", role: "alert", hidden: true });
  const act = (control, action, done) =>
    whileBusy(control, async () => {
      problem.hidden = true;
      try {
        await action();
        announce(done);
        await refresh();
      } catch (error) {
        problem.textContent = errorMessage(error);
        problem.hidden = false;
      }
    });
  const revoke = button(t("delegations.revoke"), { kind: "secondary", onclick: (event) => act(event.currentTarget, () => del(`/delegations/${encodeURIComponent(delegation.id)}`), t("delegations.revoked")) });
  const documents = button(t(delegation.documents_allowed ? "delegations.withholdDocuments" : "delegations.allowDocuments"), {
    kind: "secondary",
    onclick: (event) =>
      act(event.currentTarget, () => patch(`/delegations/${encodeURIComponent(delegation.id)}`, { documents_allowed: !delegation.documents_allowed }), t("delegations.changed")),
  });
  return h(
    "li",
    { class: "card", dataset: { delegation: delegation.id, status: delegation.status } },
    h("h3", {}, t("delegations.who", { name: delegation.assistant?.name || delegation.assistant?.username || "", centre: delegation.centre })),
    facts([
      [t("delegations.status"), t(`delegations.state.${delegation.status}`)],
      [t("delegations.since"), delegation.confirmed_at ? formatDateTime(delegation.confirmed_at) : null],
      [t("delegations.until"), delegation.status === "active" && delegation.expires_at ? formatDateTime(delegation.expires_at) : null],
      [t("delegations.revokedAt"), delegation.revoked_at ? formatDateTime(delegation.revoked_at) : null],
      [t("delegations.filed"), delegation.applications?.length ? h("span", { class: "mono" }, delegation.applications.join(", ")) : t("delegations.none")],
      [t("delegations.documents"), t(delegation.documents_allowed ? "delegations.documentsYes" : "delegations.documentsNo")],
    ]),
    problem,
    live ? h("div", { class: "actions" }, documents, revoke) : null,
  );
}

function codePanel() {
  const shown = h("div", { "aria-live": "polite" });
  const generate = button(t("delegations.generate"), {
    kind: "secondary",
    onclick: (event) =>
      whileBusy(event.currentTarget, async () => {
        try {
          const code = await post("/me/delegation-code", {});
          shown.replaceChildren(notice("info", h("p", {}, t("delegations.codeIs"), " ", h("strong", { class: "mono code-display" }, code.code)), h("p", {}, t("delegations.codeUntil", { time: formatDateTime(code.expires_at) }))));
        } catch (error) {
          shown.replaceChildren(notice("error", h("p", {}, errorMessage(error))));
        }
      }),
  });
  return h("div", {}, h("p", {}, t("delegations.codeLead")), generate, shown);
}

export function delegationsSection(delegations) {
  const items = [...(delegations || [])].sort((a, b) => String(b.created_at).localeCompare(String(a.created_at)));
  return h(
    "section",
    { class: "panel", "aria-labelledby": "delegations-heading" },
    h("h2", { id: "delegations-heading" }, t("delegations.title")),
    h("p", {}, t("delegations.lead")),
    items.length ? h("ul", { class: "cards" }, items.map(delegationCard)) : h("p", { class: "muted" }, t("delegations.empty")),
    codePanel(),
  );
}
