// Filing an ARCO request: access (a formal copy of one's data), rectification of one fact
// (which one, the correction and why), cancellation of what the law does not oblige keeping,
// or opposition to a non-essential processing the privacy notice lists.
//
// API: POST /me/privacy-requests {kind, target?, correction?, scope?, processing?, reason?}
// → 201 {id, kind, status, opened_at, deadline}; a 422 names the field.

import { ApiError, get, post, procedure } from "../api.js";
import { append, h } from "../dom.js";
import { errorMessage } from "../errors.js";
import { checkedForm, fieldError, labelledField } from "../fields.js";
import { formatAnswer, fieldTitle } from "../procedures.js";
import { pick, t } from "../i18n.js";
import { KINDS, opposable, privacyNotice, processingDescription, processingName, scopeLabel, when } from "../privacy.js";
import { flash, navigate } from "../router.js";
import { breadcrumbs, button, notice, pageHeading, setTitle, whileBusy } from "../ui.js";

// What a cancellation may name: the first two can be erased; the rest the law obliges keeping,
// and asking for them gets the legal reason in the answer (chalicelib/privacy/service.py).
export const SCOPES = ["drafts", "subscriptions", "applications", "documents", "payments", "audit", "data_use", "profile", "privacy_requests"];

function radioGroup({ name, legend, options, hintOf }) {
  const error = h("p", { class: "field-error", id: `${name}-error`, hidden: true });
  const choices = options.map(([value, label]) => {
    const id = `${name}-${value}`.replace(/[^\w-]/g, "-");
    const hint = hintOf ? hintOf(value) : null;
    return h(
      "div",
      { class: "choice" },
      h("input", { type: "radio", name, id, value, "aria-describedby": hint ? `${id}-hint` : null }),
      h("div", {}, h("label", { for: id }, h("strong", {}, label)), hint ? h("p", { class: "hint", id: `${id}-hint` }, hint) : null),
    );
  });
  const element = h("fieldset", { class: "field", "aria-describedby": `${name}-error`, dataset: { field: name } }, h("legend", { class: "label" }, legend), error, h("div", { class: "choices" }, choices));
  const inputs = element.querySelectorAll(`input[name=${name}]`);
  return { element, inputs, value: () => element.querySelector(`input[name=${name}]:checked`)?.value || null, setError: fieldError(element, error, inputs) };
}

function checkGroup({ name, legend, hint, options }) {
  const error = h("p", { class: "field-error", id: `${name}-error`, hidden: true });
  const choices = options.map(([value, label]) => {
    const id = `${name}-${value}`;
    return h("div", { class: "choice" }, h("input", { type: "checkbox", name, id, value }), h("label", { for: id }, label));
  });
  const element = h(
    "fieldset",
    { class: "field", "aria-describedby": `${name}-hint ${name}-error`, dataset: { field: name } },
    h("legend", { class: "label" }, legend),
    h("p", { class: "hint", id: `${name}-hint` }, hint),
    error,
    h("div", { class: "choices" }, choices),
  );
  const inputs = element.querySelectorAll(`input[name=${name}]`);
  return { element, inputs, values: () => [...inputs].filter((input) => input.checked).map((input) => input.value), setError: fieldError(element, error, inputs) };
}

function textArea(id, label, hint) {
  return labelledField({ id, label, hint, control: h("textarea", { id, name: id, rows: "3", maxlength: "1000", "aria-describedby": `${id}-hint ${id}-error` }), dataset: { field: id } });
}

// The facts a citizen may ask to correct: their name, or an answer in one of their applications.
async function targets(record) {
  const options = [["profile.name", t("privacy.target.name", { value: record.profile?.name || "" })]];
  const applications = record.applications || [];
  const details = await Promise.all(
    applications.slice(0, 20).map(async (item) => {
      try {
        const application = await get(`/applications/${encodeURIComponent(item.id)}`);
        const detail = await procedure(application.procedure.code, application.procedure.version);
        return { application, detail };
      } catch {
        return null;
      }
    }),
  );
  const groups = [];
  for (const found of details.filter(Boolean)) {
    const properties = found.detail.definition?.form?.properties || {};
    const fields = Object.entries(properties).filter(([field]) => found.application.data?.[field] !== undefined && found.application.data?.[field] !== null);
    if (!fields.length) continue;
    groups.push([
      t("privacy.target.application", { procedure: pick(found.detail.name) || found.application.procedure.code, id: found.application.id }),
      fields.map(([field, schema]) => [`applications/${found.application.id}/form.${field}`, `${fieldTitle(schema, field)}: ${formatAnswer(schema, found.application.data[field])}`]),
    ]);
  }
  return { options, groups };
}

export async function render(view) {
  setTitle(t("privacyFile.title"));
  const [record, privacy] = await Promise.all([get("/me"), privacyNotice().catch(() => null)]);
  const { options, groups } = await targets(record);
  const message = h("div", { "aria-live": "assertive" });

  const kind = radioGroup({ name: "kind", legend: t("privacyFile.kind"), options: KINDS.map((value) => [value, t(`privacy.kind.${value}`)]), hintOf: (value) => t(`privacyFile.kindHint.${value}`) });

  const targetSelect = h(
    "select",
    { id: "target", name: "target", "aria-describedby": "target-hint target-error" },
    h("option", { value: "" }, t("privacyFile.choose")),
    options.map(([value, label]) => h("option", { value }, label)),
    groups.map(([label, fields]) => h("optgroup", { label }, fields.map(([value, text]) => h("option", { value }, text)))),
  );
  const target = labelledField({ id: "target", label: t("privacyFile.target"), hint: t("privacyFile.targetHint"), control: targetSelect, dataset: { field: "target" } });
  const correction = labelledField({ id: "correction", label: t("privacyFile.correction"), hint: t("privacyFile.correctionHint"), control: h("input", { type: "text", id: "correction", name: "correction", maxlength: "2000", "aria-describedby": "correction-hint correction-error" }), dataset: { field: "correction" } });

  const scope = checkGroup({ name: "scope", legend: t("privacyFile.scope"), hint: t("privacyFile.scopeHint"), options: SCOPES.map((value) => [value, scopeLabel(value)]) });

  const processings = opposable(privacy);
  const processing = processings.length
    ? radioGroup({ name: "processing", legend: t("privacyFile.processing"), options: processings.map((item) => [item.id, processingName(item)]), hintOf: (value) => processingDescription(processings.find((item) => item.id === value)) || null })
    : null;

  const reason = textArea("reason", t("privacyFile.reason"), t("privacyFile.reasonHint"));
  const parts = {
    rectification: h("div", { class: "privacy-kind-fields" }, target.element, correction.element),
    cancellation: h("div", { class: "privacy-kind-fields" }, scope.element),
    opposition: h("div", { class: "privacy-kind-fields" }, processing ? processing.element : notice("info", h("p", {}, t("privacyFile.noProcessing")))),
    access: h("div", { class: "privacy-kind-fields" }, notice("info", h("p", {}, t("privacyFile.accessNote")))),
  };
  const reasonBox = h("div", { class: "privacy-kind-fields" }, reason.element);
  const show = () => {
    const chosen = kind.value();
    for (const [name, part] of Object.entries(parts)) part.hidden = name !== chosen;
    reasonBox.hidden = !chosen || chosen === "access";
  };
  for (const input of kind.inputs) input.addEventListener("change", show);
  show();

  const submit = button(t("privacyFile.submit"), { type: "submit" });
  const fieldsByName = { kind, target, correction, scope, processing, reason };
  const form = checkedForm(
    { dataset: { feature: "privacy-file" } },
    async () => {
      message.replaceChildren();
      for (const field of Object.values(fieldsByName)) field?.setError(null);
      const chosen = kind.value();
      const problems = [];
      const body = { kind: chosen };
      if (!chosen) {
        kind.setError(t("privacyFile.kindRequired"));
        problems.push(kind.inputs[0]);
      } else if (chosen === "rectification") {
        body.target = targetSelect.value;
        body.correction = correction.input.value.trim();
        body.reason = reason.input.value.trim();
        if (!body.target) {
          target.setError(t("privacyFile.targetRequired"));
          problems.push(targetSelect);
        }
        if (!body.correction) {
          correction.setError(t("privacyFile.correctionRequired"));
          problems.push(correction.input);
        }
      } else if (chosen === "cancellation") {
        body.scope = scope.values();
        body.reason = reason.input.value.trim();
        if (!body.scope.length) {
          scope.setError(t("privacyFile.scopeRequired"));
          problems.push(scope.inputs[0]);
        }
      } else if (chosen === "opposition") {
        body.processing = processing?.value() || null;
        body.reason = reason.input.value.trim();
        if (!body.processing) {
          processing?.setError(t("privacyFile.processingRequired"));
          problems.push(processing ? processing.inputs[0] : kind.inputs[0]);
        }
      }
      if (chosen && chosen !== "access" && !body.reason) {
        reason.setError(t("privacyFile.reasonRequired"));
        problems.push(reason.input);
      }
      if (problems.length) {
        problems[0].focus();
        return;
      }
      await whileBusy(submit, async () => {
        try {
          const created = await post("/me/privacy-requests", body);
          flash(t("privacyFile.filed", { id: created.id, date: when(created.deadline) }));
          navigate(`/privacidad/solicitudes/${encodeURIComponent(created.id)}`);
        } catch (error) {
          const named = error instanceof ApiError ? error.details.map((detail) => detail.field).find((field) => fieldsByName[field]) : null;
          if (named) {
            const field = fieldsByName[named];
            field.setError(errorMessage(error));
            (field.input || field.inputs?.[0])?.focus();
          } else {
            message.replaceChildren(notice("error", h("p", {}, errorMessage(error))));
          }
        }
      });
    },
    kind.element,
    Object.values(parts),
    reasonBox,
    h("p", { class: "hint" }, t("privacyFile.deadlineNote")),
    message,
    h("div", { class: "actions" }, submit, h("a", { href: "#/mi-expediente" }, t("privacyFile.cancel"))),
  );
  append(
    view,
    breadcrumbs([
      [t("nav.record"), "#/mi-expediente"],
      [t("privacyFile.title"), null],
    ]),
    ...pageHeading(t("privacyFile.title"), t("privacyFile.lead")),
    form,
  );
}
