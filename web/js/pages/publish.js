// Publishing procedures from the browser (national admins: any procedure; a jurisdiction's
// publishers, admin-<INEGI code>: their jurisdiction's): the list to start from, the editor
// of a published procedure or of a template, and a saved draft with who did what, which
// another publisher approves and publishes from here.
//
// API: GET /procedure-templates → {templates: [{id, name, description, definition}]};
// GET /procedures/{code} → ProcedureDetail (its `definition` is the published definition as
// it was published, with its version); GET /procedures/{code}/drafts/{n} → Draft {definition,
// author, history, changes, diff, status, …}; POST …/drafts/{n}/approve {} → Draft.

import { catalogue, forgetProcedure, get, post } from "../api.js";
import { append, h } from "../dom.js";
import { errorMessage } from "../errors.js";
import { formatDateTime, pick, t } from "../i18n.js";
import { refresh } from "../router.js";
import { breadcrumbs, button, facts, linkButton, notice, pageHeading, section, setTitle, whileBusy } from "../ui.js";
import { procedureEditor } from "./publish-editor.js";

const draftPath = (code, number) => `/procedures/${encodeURIComponent(code)}/drafts/${encodeURIComponent(number)}`;
const crumbs = (...items) => breadcrumbs([[t("nav.catalogue"), "#/"], [t("editor.listTitle"), "#/publicar"], ...items]);

// Whether the signed-in publisher may publish a procedure of that jurisdiction.
function mayPublish(session, jurisdiction) {
  if (session.isNationalPublisher) return true;
  const code = jurisdiction?.municipality || jurisdiction?.state;
  return Boolean(code && session.publishes.includes(code));
}

async function templates() {
  return (await get("/procedure-templates")).templates;
}

async function renderList(view, ctx) {
  setTitle(t("editor.listTitle"));
  const [found, all] = await Promise.all([templates(), catalogue()]);
  const mine = all.filter((item) => mayPublish(ctx.session, item.jurisdiction));
  append(
    view,
    crumbs(),
    pageHeading(t("editor.listTitle"), t("editor.listLead")),
    section(
      "templates",
      t("editor.templatesTitle"),
      { class: "panel" },
      h(
        "ul",
        { class: "plain template-list" },
        found.map((template) =>
          h(
            "li",
            { dataset: { template: template.id } },
            h("a", { href: `#/publicar/nuevo/${encodeURIComponent(template.id)}` }, pick(template.name)),
            h("p", { class: "muted" }, pick(template.description)),
          ),
        ),
      ),
    ),
    section(
      "published",
      t("editor.publishedTitle"),
      {},
      mine.length
        ? h(
            "ul",
            { class: "plain publish-list" },
            mine.map((item) =>
              h(
                "li",
                { dataset: { code: item.code } },
                h("a", { href: `#/publicar/${encodeURIComponent(item.code)}` }, pick(item.name)),
                " ",
                h("span", { class: "muted" }, `${item.code} · ${pick(item.agency_name)} · ${t("editor.versionShort", { version: item.version })}`),
              ),
            ),
          )
        : h("p", {}, t("editor.publishedNone")),
    ),
  );
}

async function renderTemplate(view, ctx) {
  const found = await templates();
  const template = found.find((item) => item.id === ctx.params.template);
  if (!template) {
    setTitle(t("editor.templateMissing"));
    append(view, crumbs([t("editor.templateMissing")]), pageHeading(t("editor.templateMissing")), h("p", {}, h("a", { href: "#/publicar" }, t("editor.backToList"))));
    return;
  }
  const title = t("editor.newTitle", { name: pick(template.name) });
  setTitle(title);
  append(
    view,
    crumbs([title]),
    pageHeading(title, t("editor.newLead")),
    procedureEditor(ctx, { definition: structuredClone(template.definition), pristine: structuredClone(template.definition) }),
  );
}

async function renderPublished(view, ctx) {
  const detail = await get(`/procedures/${encodeURIComponent(ctx.params.code)}`);
  const title = t("editor.editTitle", { name: pick(detail.name) });
  setTitle(title);
  append(
    view,
    crumbs([title]),
    pageHeading(title, t("editor.editLead", { version: detail.version })),
    detail.retired_at ? notice("warning", h("p", {}, t("editor.retired"))) : null,
    procedureEditor(ctx, { definition: structuredClone(detail.definition), pristine: structuredClone(detail.definition) }),
  );
}

function historyList(history) {
  return h(
    "ol",
    { class: "plain draft-history" },
    history.map((step) =>
      h(
        "li",
        { dataset: { event: step.event } },
        h("strong", {}, t(`editor.history.${step.event}`, { version: step.details?.version ?? "" })),
        " · ",
        t("editor.history.by", { who: step.by }),
        " · ",
        h("time", { datetime: step.at }, formatDateTime(step.at)),
      ),
    ),
  );
}

function approval(draft, session) {
  if (draft.status === "published" || draft.status === "scheduled") {
    return h("p", {}, h("a", { href: `#/tramites/${encodeURIComponent(draft.code)}` }, t("editor.approve.seeInCatalogue")));
  }
  if (draft.author === session.username) return notice("info", h("p", {}, t("editor.approve.fourEyes")));
  const problem = h("div", { class: "approve-problem" });
  const confirm = h(
    "div",
    { class: "panel panel-accent approve-confirm", hidden: true, role: "group", "aria-labelledby": "approve-confirm-title" },
    h("h3", { id: "approve-confirm-title" }, t("editor.approve.confirmTitle")),
    h("p", {}, draft.base_version ? t("editor.approve.confirmBody", { version: draft.base_version + 1 }) : t("editor.approve.confirmBodyNew")),
  );
  const yes = button(t("editor.approve.confirm"), { kind: "green", dataset: { action: "confirm-approve" } });
  const no = button(t("editor.cancel"), { kind: "secondary" });
  const start = button(t("editor.approve.button"), { kind: "green", dataset: { action: "approve" } });
  start.addEventListener("click", () => {
    confirm.hidden = false;
    start.hidden = true;
    yes.focus();
  });
  no.addEventListener("click", () => {
    confirm.hidden = true;
    start.hidden = false;
    start.focus();
  });
  yes.addEventListener("click", () =>
    whileBusy(yes, async () => {
      problem.replaceChildren();
      try {
        await post(`${draftPath(draft.code, draft.number)}/approve`, {});
        forgetProcedure(draft.code);
        await refresh();
      } catch (error) {
        problem.append(notice("error", h("p", {}, errorMessage(error))));
      }
    }),
  );
  confirm.append(h("div", { class: "actions" }, yes, no));
  return h("div", {}, problem, start, confirm);
}

// A draft not yet in consultation is put to it from here (open-ended: comments until it is approved).
function consultationAction(draft) {
  if (draft.status !== "draft") return null;
  const problem = h("div", { class: "consultation-problem" });
  const open = button(t("editor.draft.openConsultation"), { kind: "secondary", dataset: { action: "open-consultation" } });
  open.addEventListener("click", () =>
    whileBusy(open, async () => {
      problem.replaceChildren();
      try {
        await post(`${draftPath(draft.code, draft.number)}/consultation`, {});
        await refresh();
      } catch (error) {
        problem.append(notice("error", h("p", {}, errorMessage(error))));
      }
    }),
  );
  return h("div", { class: "consultation-action" }, h("p", { class: "hint" }, t("editor.draft.openConsultationHint")), problem, open);
}

async function renderDraft(view, ctx) {
  const { code, number } = ctx.params;
  const draft = await get(draftPath(code, number));
  const title = t("editor.draftTitle", { number: draft.number, name: pick(draft.name) });
  setTitle(title);
  const consultation = draft.opened_at ? h("p", {}, h("a", { href: `#/consultas/${encodeURIComponent(draft.code)}/${draft.number}` }, t("editor.draft.consultation"))) : null;
  append(
    view,
    crumbs([title]),
    pageHeading(title, t("editor.draftLead")),
    section(
      "draft",
      t("editor.draft.title"),
      { class: "panel draft-panel", dataset: { status: draft.status } },
      facts([
        [t("consultation.statusLabel"), h("strong", { class: "tag tag-neutral", dataset: { status: draft.status } }, t(`consultation.status.${draft.status}`))],
        [t("consultation.againstVersion"), draft.base_version ? String(draft.base_version) : t("consultation.newProcedure")],
        [t("editor.draft.author"), draft.author],
        [t("editor.draft.created"), formatDateTime(draft.created_at)],
        [t("consultation.publishedVersion"), draft.published_version ? String(draft.published_version) : null],
      ]),
      h("h3", {}, t("editor.draft.history")),
      historyList(draft.history || []),
      consultation,
      consultationAction(draft),
      approval(draft, ctx.session),
    ),
    draft.status === "draft" || draft.status === "consultation"
      ? [
          h("h2", {}, t("editor.draft.editTitle")),
          h("p", { class: "hint" }, t("editor.draft.editLead")),
          procedureEditor(ctx, { definition: structuredClone(draft.definition), pristine: structuredClone(draft.definition), draft }),
        ]
      : linkButton(t("editor.draft.editPublished"), `#/publicar/${encodeURIComponent(draft.code)}`, "secondary"),
  );
}

export async function render(view, ctx) {
  if (ctx.params.number) return renderDraft(view, ctx);
  if (ctx.params.template) return renderTemplate(view, ctx);
  if (ctx.params.code) return renderPublished(view, ctx);
  return renderList(view, ctx);
}
