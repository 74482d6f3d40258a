// "My record": the citizen's profile, every application and every issued document,
// from GET /me, a page at a time ("More" adds the next).

import { get, procedure } from "../api.js";
import { delegationsSection } from "../delegations.js";
import { append, h } from "../dom.js";
import { formatDate, formatDateTime, pick, t } from "../i18n.js";
import { moreButton, paged } from "../more.js";
import { privacySection } from "../privacy-section.js";
import { allSteps } from "../procedures.js";
import { facts, formatPhone, linkButton, notice, pageHeading, section, setTitle, statusTag } from "../ui.js";

function documentTitles(definitions) {
  const titles = new Map();
  for (const definition of definitions) {
    for (const step of allSteps(definition).values()) if (step.type === "issue") titles.set(step.document.type, step.document.title);
  }
  return titles;
}

export async function render(view) {
  setTitle(t("record.title"));
  const [record, requests] = await Promise.all([get("/me"), get("/me/privacy-requests").catch(() => null)]);
  const applications = [...(record.applications || [])].sort((a, b) => String(b.updated_at).localeCompare(String(a.updated_at)));
  const codes = [...new Set(applications.map((item) => item.procedure))];
  const procedures = (await Promise.all(codes.map((code) => procedure(code).catch(() => null)))).filter(Boolean);
  const names = new Map(procedures.map((item) => [item.code, item.name]));
  const definitions = procedures.map((item) => item.definition);
  const titles = documentTitles(definitions);
  const profile = record.profile || {};
  const byApplication = new Map(applications.map((item) => [item.id, item]));

  const row = (item) => applicationRow(item, names);
  const rows = applications.map(row);
  const body = h("tbody", {}, rows);

  const card = (doc) => documentCard(doc, titles, byApplication);
  const documents = (record.documents || []).map(card);
  const documentList = h("ul", { class: "cards", "aria-labelledby": "documents-heading" }, documents);
  // the next page of the record: its applications join the table (a record's documents come before its applications)
  const more = moreButton(
    body,
    async (cursor) => {
      const page = await get(paged("/me", cursor));
      for (const item of page.applications || []) byApplication.set(item.id, item);
      documentList.append(...(page.documents || []).map(card));
      return { nodes: (page.applications || []).map(row), cursor: page.next_cursor };
    },
    record.next_cursor,
  );

  append(view, 
    ...pageHeading(t("record.title"), t("record.lead")),
    section(
      "profile",
      t("record.profile"),
      { class: "panel" },
      facts([
        [t("record.name"), profile.name || null],
        [t("curp.label"), h("span", { class: "mono" }, profile.curp || "")],
        [t("record.phone"), profile.phone ? formatPhone(profile.phone) : null],
        [t("record.language"), profile.language ? t(`language.${profile.language === "en" ? "en" : "es"}`) : null],
        [
          t("record.efirma"),
          profile.efirma
            ? h("span", {}, t("record.efirmaLinked", { serial: profile.efirma.serial, date: formatDate(profile.efirma.valid_until) }), " ", h("a", { href: "#/mi-expediente/efirma" }, t("record.efirmaManage")))
            : h("a", { href: "#/mi-expediente/efirma" }, t("record.efirmaLink")),
        ],
      ]),
    ),
    section(
      "data-use",
      t("record.dataUse"),
      { class: "panel", dataset: { feature: "data-use" } },
      h("p", {}, t("record.dataUseLead")),
      h("p", {}, h("a", { href: "#/mi-expediente/datos" }, t("record.dataUseLink"))),
    ),
    privacySection(requests),
    h("h2", { id: "applications-heading" }, t("record.applications")),
    applications.length || record.next_cursor
      ? h(
          "div",
          { class: "table-wrap" },
          h(
            "table",
            { class: "responsive", "aria-labelledby": "applications-heading" },
            h(
              "thead",
              {},
              h(
                "tr",
                {},
                ["record.procedure", "application.folio", "application.status", "record.updated", "record.action"].map((key) => h("th", { scope: "col" }, t(key))),
              ),
            ),
            body,
          ),
        )
      : notice("info", h("p", {}, t("record.noApplications"), " ", h("a", { href: "#/" }, t("record.browse")))),
    more,
    h("h2", { id: "documents-heading" }, t("record.documents")),
    documents.length || record.next_cursor ? documentList : h("p", { class: "muted" }, t("record.noDocuments")),
    delegationsSection(record.delegations),
  );
}

function applicationRow(item, names) {
  const editable = item.status === "draft" || item.status === "changes_requested";
  const href = item.status === "draft" ? `#/solicitudes/${item.id}/documentos` : `#/solicitudes/${item.id}`;
  return h(
    "tr",
    { dataset: { application: item.id, status: item.status } },
    h(
      "td",
      { "data-label": t("record.procedure") },
      h("a", { href }, pick(names.get(item.procedure)) || item.procedure),
      item.assisted_by ? h("span", { class: "muted assisted-by" }, h("br"), t(item.assisted_by.channel === "phone" ? "record.assistedPhone" : "record.assisted", { name: item.assisted_by.name || item.assisted_by.assistant, centre: item.assisted_by.centre })) : null,
    ),
    h("td", { "data-label": t("application.folio") }, h("span", { class: "mono" }, item.id)),
    h("td", { "data-label": t("application.status") }, statusTag(item.status)),
    h("td", { "data-label": t("record.updated") }, formatDateTime(item.updated_at)),
    h(
      "td",
      { "data-label": t("record.action") },
      h("a", { href, "aria-label": `${t(editable ? "record.continue" : "record.view")} ${item.id}` }, t(editable ? "record.continue" : "record.view")),
    ),
  );
}

function documentCard(doc, titles, byApplication) {
  const title = pick(titles.get(doc.type)) || t("record.documentFallback");
  const source = byApplication.get(doc.application_id);
  return h(
    "li",
    { class: "card", dataset: { document: doc.id } },
    h("h3", {}, title),
    h("p", { class: "muted" }, t("record.issuedAt", { date: formatDateTime(doc.issued_at) })),
    source ? h("p", {}, `${t("application.folio")}: `, h("span", { class: "mono" }, source.id)) : null,
    h("div", { class: "actions" }, linkButton(t("record.openDocument"), `#/documentos/${encodeURIComponent(doc.id)}`), h("a", { href: `#/verificar/${encodeURIComponent(doc.id)}` }, t("record.verify"))),
  );
}
