// Step 1 of applying: the form generated from the procedure's JSON Schema. "Save and
// continue" checks everything; "Save draft" keeps what is there for later.

import { ApiError, get, newIdempotencyKey, patch, post, procedure } from "../api.js";
import { append, h } from "../dom.js";
import { errorMessage } from "../errors.js";
import { checkedForm } from "../fields.js";
import { pick, t } from "../i18n.js";
import { askForNotice, isNoticeRequired } from "../privacy.js";
import { flash, navigate } from "../router.js";
import { schemaForm } from "../schema-form.js";
import { breadcrumbs, button, linkButton, notice, pageHeading, setTitle, whileBusy } from "../ui.js";

export const EDITABLE = new Set(["draft", "changes_requested"]);

export function stepper(current) {
  const steps = ["data", "documents", "send"];
  const index = steps.indexOf(current);
  return h(
    "ol",
    { class: "stepper", "aria-label": t("apply.progress") },
    steps.map((step, i) =>
      h(
        "li",
        { "aria-current": i === index ? "step" : null, dataset: { state: i < index ? "done" : i === index ? "current" : "todo" } },
        h("span", { class: "visually-hidden" }, i < index ? `${t("apply.stepDone")}: ` : ""),
        `${i + 1}. ${t(`apply.step.${step}`)}`,
      ),
    ),
  );
}

export async function render(view, ctx) {
  const editing = Boolean(ctx.params.id);
  let application = null;
  let detail;
  if (editing) {
    application = await get(`/applications/${encodeURIComponent(ctx.params.id)}`);
    detail = await procedure(application.procedure.code, application.procedure.version);
  } else {
    detail = await procedure(ctx.params.code);
  }
  const definition = detail.definition;
  const name = pick(definition.name);
  setTitle(`${t("apply.title")} · ${name}`);
  // an assistant files for the person chosen in the centre's page (?para=<CURP>)
  const onBehalfOf = !editing && ctx.session?.isAssistant ? ctx.query.para || null : null;
  if (!editing && ctx.session?.isAssistant && !onBehalfOf) {
    append(view, ...pageHeading(name), notice("info", h("p", {}, t("centre.choosePerson"), " ", h("a", { href: "#/centro" }, t("nav.centre")))));
    return;
  }

  const crumbs = breadcrumbs([
    [t("nav.catalogue"), "#/"],
    [name, `#/tramites/${encodeURIComponent(detail.code)}`],
    [t("apply.title"), null],
  ]);

  if (application && !EDITABLE.has(application.status)) {
    append(view, crumbs, ...pageHeading(name), notice("info", h("p", {}, t("apply.notEditable"))), linkButton(t("apply.seeApplication"), `#/solicitudes/${application.id}`, "secondary"));
    return;
  }

  const values = ctx.state.values || application?.data || {};
  const form = schemaForm(definition.form, values, { provenance: application?.provenance, prefill: application?.prefill, saved: Boolean(application), data: application?.data });
  ctx.onLeave(() => {
    ctx.state.values = form.collect();
  });
  const formError = h("div", { "aria-live": "assertive" });
  const saveAndContinue = button(t("apply.continue"), { type: "submit" });
  const saveDraft = button(t("apply.saveDraft"), { kind: "secondary" });

  const save = async (data) => {
    if (application) {
      application = await patch(`/applications/${encodeURIComponent(application.id)}`, { data });
    } else {
      const body = onBehalfOf ? { procedure: detail.code, citizen: onBehalfOf, data } : { procedure: detail.code, data };
      application = await post("/applications", body, { idempotencyKey: newIdempotencyKey() });
    }
    return application;
  };

  const attempt = async (control, complete) => {
    formError.replaceChildren();
    const { data, valid } = form.validate({ complete });
    if (!valid) return;
    await whileBusy(control, async () => {
      try {
        await save(data);
        ctx.state.values = null;
        if (complete) {
          navigate(`/solicitudes/${application.id}/documentos`);
        } else {
          flash(t("apply.draftSaved", { id: application.id }));
          navigate(`/solicitudes/${application.id}/editar`, { replace: !editing });
        }
      } catch (error) {
        if (isNoticeRequired(error)) {
          await askForNotice();
          return;
        }
        if (error instanceof ApiError && error.details.length && form.showServerErrors(error.details)) return;
        formError.replaceChildren(notice("error", h("p", {}, errorMessage(error))));
      }
    });
  };

  saveDraft.addEventListener("click", () => attempt(saveDraft, false));
  const element = checkedForm(
    {},
    () => {
      attempt(saveAndContinue, true);
    },
    form.element,
    h("div", { class: "actions" }, saveAndContinue, saveDraft),
  );

  append(view, 
    crumbs,
    stepper("data"),
    ...pageHeading(name, t("apply.lead")),
    application ? h("p", {}, `${t("application.folio")}: `, h("strong", { class: "mono" }, application.id)) : null,
    onBehalfOf ? notice("info", h("p", {}, t("centre.filingFor", { curp: onBehalfOf }))) : null,
    application?.status === "changes_requested" ? notice("warning", h("p", {}, t("apply.corrections"))) : null,
    // A first filing is signed with the holder's e.firma (an answer to corrections is not).
    detail.identity === "efirma" && application?.status !== "changes_requested"
      ? notice("info", h("p", { dataset: { identity: "efirma" } }, t("apply.efirmaNotice"), " ", h("a", { href: `#/tramites/${encodeURIComponent(detail.code)}` }, t("apply.efirmaHow"))))
      : null,
    formError,
    element,
    h("p", { class: "muted" }, t("apply.draftNote")),
  );
}
