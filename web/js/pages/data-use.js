// "Who used my data": every time Ventanilla asked a registry (population, tax, social
// security, cadastre) about the signed-in citizen — when, who asked and on whose behalf,
// why, under which law, for which application, and what came of it.
//
// API: GET /me/data-use → {exchanges: [{exchange_id, at, registry, registry_name {es,en},
// operation, purpose, legal_basis, agency, agency_name, requester {kind, name?, username?},
// application_id, procedure, outcome, attempts, request_sha256, result_sha256?}]}, newest
// first. The API answers the caller's own log only: the page takes no parameter, so no
// address shows another person's.

import { get, procedureNames } from "../api.js";
import { append, h } from "../dom.js";
import { formatDateTime, has, pick, t, tn } from "../i18n.js";
import { moreButton, paged } from "../more.js";
import { breadcrumbs, facts, notice, pageHeading, section, setTitle } from "../ui.js";

function requesterText(entry) {
  const agency = pick(entry.agency_name) || entry.agency;
  const requester = entry.requester || {};
  switch (requester.kind) {
    case "official":
      return t("dataUse.byOfficial", { name: requester.name || requester.username || t("dataUse.anOfficial"), agency });
    case "citizen":
      return t("dataUse.byYou");
    case "assistant":
      return t("dataUse.byAssistant", { centre: requester.centre || "" });
    default:
      return t("dataUse.byWorkflow", { agency });
  }
}

function outcomeText(outcome) {
  return t(has(`dataUse.outcome.${outcome}`) ? `dataUse.outcome.${outcome}` : "dataUse.outcome.other");
}

function applicationLink(entry, names) {
  if (!entry.application_id) return null;
  const name = pick(names.get(entry.procedure)) || entry.procedure || "";
  return h(
    "span",
    {},
    h("a", { href: `#/solicitudes/${encodeURIComponent(entry.application_id)}` }, name ? `${name} · ` : "", h("span", { class: "mono" }, entry.application_id)),
  );
}

function exchangeCard(entry, names) {
  const registry = pick(entry.registry_name) || entry.registry;
  return h(
    "li",
    { class: "card data-use", dataset: { exchange: entry.exchange_id, registry: entry.registry, outcome: entry.outcome } },
    h("h3", {}, registry),
    h("p", { class: "muted" }, h("time", { datetime: entry.at }, formatDateTime(entry.at))),
    facts([
      [t("dataUse.who"), requesterText(entry)],
      [t("dataUse.agency"), pick(entry.agency_name) || entry.agency || null],
      [t("dataUse.purpose"), pick(entry.purpose) || null],
      [t("dataUse.legalBasis"), pick(entry.legal_basis) || null],
      [t("dataUse.application"), applicationLink(entry, names)],
      [t("dataUse.result"), h("span", { dataset: { outcome: entry.outcome } }, outcomeText(entry.outcome))],
      [t("dataUse.attempts"), entry.attempts > 1 ? tn("dataUse.attemptsCount", entry.attempts) : null],
    ]),
    h(
      "details",
      { class: "data-use-proof" },
      h("summary", {}, t("dataUse.proof")),
      h("p", { class: "hint" }, t("dataUse.proofHint")),
      facts([
        [t("dataUse.exchangeId"), h("span", { class: "mono" }, entry.exchange_id)],
        [t("dataUse.requestHash"), h("span", { class: "mono hash" }, entry.request_sha256)],
        [t("dataUse.resultHash"), entry.result_sha256 ? h("span", { class: "mono hash" }, entry.result_sha256) : null],
      ]),
    ),
  );
}

export async function render(view) {
  setTitle(t("dataUse.title"));
  const log = await get("/me/data-use");
  const exchanges = log.exchanges || [];
  const names = await procedureNames(exchanges.map((entry) => entry.procedure)).catch(() => new Map());
  const list = h("ul", { class: "cards", "aria-labelledby": "exchanges-heading" }, exchanges.map((entry) => exchangeCard(entry, names)));
  const more = moreButton(
    list,
    async (cursor) => {
      const next = await get(paged("/me/data-use", cursor));
      const found = next.exchanges || [];
      for (const [code, name] of await procedureNames(found.map((entry) => entry.procedure)).catch(() => new Map())) names.set(code, name);
      return { nodes: found.map((entry) => exchangeCard(entry, names)), cursor: next.next_cursor };
    },
    log.next_cursor,
  );
  append(
    view,
    breadcrumbs([
      [t("nav.record"), "#/mi-expediente"],
      [t("dataUse.title"), null],
    ]),
    ...pageHeading(t("dataUse.title"), t("dataUse.lead")),
    section(
      "exchanges",
      t("dataUse.listTitle"),
      { dataset: { count: String(exchanges.length) } },
      exchanges.length
        ? [h("p", { class: "muted" }, tn(log.next_cursor ? "dataUse.countFirst" : "dataUse.count", exchanges.length)), list, more]
        : notice("info", h("p", { dataset: { empty: "data-use" } }, t("dataUse.empty"))),
    ),
    log.purged ? h("p", { class: "muted", dataset: { purged: String(log.purged.entries) } }, tn("dataUse.purged", log.purged.entries, { date: formatDateTime(log.purged.up_to) })) : null,
    h("p", { class: "muted" }, t("dataUse.onlyYours")),
  );
}
