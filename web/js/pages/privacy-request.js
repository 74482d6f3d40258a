// One ARCO request: what was asked, its status, legal deadline and trail. The citizen who filed
// it follows it here; the data-protection officer also decides it (granted, partially granted,
// denied, referred to the registry the fact came from, or extended once) and records a
// registry's answer to a referred one.
//
// API: GET /privacy-requests/{id} → request + events; POST …/decision {outcome, reason,
// registry?}; POST …/registry-answer {answer: corrected|refused, reason}.

import { ApiError, get, post } from "../api.js";
import { append, h } from "../dom.js";
import { errorMessage } from "../errors.js";
import { checkedForm, fieldError, labelledField } from "../fields.js";
import { t } from "../i18n.js";
import { OPEN, OUTCOMES, REGISTRIES, kindLabel, privacyNotice, registryAnswerOf, requestFacts, trail } from "../privacy.js";
import { flash, refresh } from "../router.js";
import { breadcrumbs, button, notice, pageHeading, section, setTitle, whileBusy } from "../ui.js";

function radios(name, legend, values, labelOf) {
  const error = h("p", { class: "field-error", id: `${name}-error`, hidden: true });
  const element = h(
    "fieldset",
    { class: "field", "aria-describedby": `${name}-error`, dataset: { field: name } },
    h("legend", { class: "label" }, legend),
    error,
    h(
      "div",
      { class: "choices" },
      values.map((value) => h("div", { class: "choice" }, h("input", { type: "radio", name, id: `${name}-${value}`, value }), h("label", { for: `${name}-${value}` }, labelOf(value)))),
    ),
  );
  const inputs = element.querySelectorAll(`input[name=${name}]`);
  return { element, inputs, value: () => element.querySelector(`input[name=${name}]:checked`)?.value || null, setError: fieldError(element, error, inputs) };
}

function reasonField(id, label, hint) {
  return labelledField({ id, label, hint, control: h("textarea", { id, name: id, rows: "4", maxlength: "1000", "aria-describedby": `${id}-hint ${id}-error` }), dataset: { field: id } });
}

// Sends `body` to `path`; a 422 naming one of `fields` shows in that field.
async function send(control, path, body, fields, message, done) {
  await whileBusy(control, async () => {
    message.replaceChildren();
    try {
      await post(path, body);
      flash(done);
      await refresh();
    } catch (error) {
      const named = error instanceof ApiError ? error.details.map((detail) => detail.field).find((field) => fields[field]) : null;
      if (named) {
        fields[named].setError(errorMessage(error));
        (fields[named].input || fields[named].inputs?.[0])?.focus();
      } else {
        message.replaceChildren(notice("error", h("p", {}, errorMessage(error))));
      }
    }
  });
}

function decisionForm(request) {
  const message = h("div", { "aria-live": "assertive" });
  // referring is for a registry's fact (a rectification); a deadline is extended once only
  const outcomes = OUTCOMES.filter((value) => !(value === "referred" && request.kind !== "rectification") && !(value === "extended" && (request.extended || request.status === "extended")));
  const outcome = radios("outcome", t("privacyDecision.question"), outcomes, (value) => t(`privacy.outcome.${value}`));
  const registrySelect = h("select", { id: "registry", name: "registry", "aria-describedby": "registry-hint registry-error" }, h("option", { value: "" }, t("privacyFile.choose")), REGISTRIES.map((code) => h("option", { value: code, selected: code === request.registry }, t(`privacy.registryName.${code}`))));
  const registry = labelledField({ id: "registry", label: t("privacyDecision.registry"), hint: t("privacyDecision.registryHint"), control: registrySelect, dataset: { field: "registry" } });
  registry.element.hidden = true;
  for (const input of outcome.inputs) input.addEventListener("change", () => (registry.element.hidden = outcome.value() !== "referred"));
  const reason = reasonField("decision-reason", t("privacyDecision.reason"), t("privacyDecision.reasonHint"));
  const submit = button(t("privacyDecision.submit"), { type: "submit" });
  const fields = { outcome, registry, reason };
  return checkedForm(
    { dataset: { feature: "privacy-decision" } },
    async () => {
      for (const field of Object.values(fields)) field.setError(null);
      const chosen = outcome.value();
      const text = reason.input.value.trim();
      if (!chosen) {
        outcome.setError(t("privacyDecision.outcomeRequired"));
        return outcome.inputs[0].focus();
      }
      if (chosen === "referred" && !registrySelect.value) {
        registry.setError(t("privacyDecision.registryRequired"));
        return registrySelect.focus();
      }
      if (!text) {
        reason.setError(t("privacyDecision.reasonRequired"));
        return reason.input.focus();
      }
      const body = { outcome: chosen, reason: text };
      if (chosen === "referred") body.registry = registrySelect.value;
      await send(submit, `/privacy-requests/${encodeURIComponent(request.id)}/decision`, body, fields, message, t(`privacyDecision.recorded.${chosen}`, { id: request.id }));
    },
    outcome.element,
    registry.element,
    reason.element,
    message,
    h("div", { class: "actions" }, submit),
  );
}

function registryAnswerForm(request) {
  const message = h("div", { "aria-live": "assertive" });
  const answer = radios("answer", t("privacyDecision.registryQuestion"), ["corrected", "refused"], (value) => t(`privacy.registryAnswer.${value}`));
  const reason = reasonField("answer-reason", t("privacyDecision.registryReason"), t("privacyDecision.registryReasonHint"));
  const submit = button(t("privacyDecision.registrySubmit"), { type: "submit" });
  const fields = { answer, reason };
  return checkedForm(
    { dataset: { feature: "privacy-registry-answer" } },
    async () => {
      for (const field of Object.values(fields)) field.setError(null);
      const chosen = answer.value();
      const text = reason.input.value.trim();
      if (!chosen) {
        answer.setError(t("privacyDecision.answerRequired"));
        return answer.inputs[0].focus();
      }
      if (!text) {
        reason.setError(t("privacyDecision.reasonRequired"));
        return reason.input.focus();
      }
      await send(submit, `/privacy-requests/${encodeURIComponent(request.id)}/registry-answer`, { answer: chosen, reason: text }, fields, message, t("privacyDecision.registryRecorded", { id: request.id }));
    },
    answer.element,
    reason.element,
    message,
    h("div", { class: "actions" }, submit),
  );
}

export async function render(view, ctx) {
  const id = ctx.params.id;
  const [found, privacy] = await Promise.all([get(`/privacy-requests/${encodeURIComponent(id)}`), privacyNotice().catch(() => null)]);
  const request = found.request || found;
  const events = request.events || found.events || [];
  const officer = ctx.session.isPrivacyOfficer;
  setTitle(t("privacyRequest.title", { kind: kindLabel(request.kind) }));
  const open = OPEN.has(request.status);
  append(
    view,
    breadcrumbs(officer ? [[t("nav.privacyRequests"), "#/privacidad/solicitudes"], [request.id, null]] : [[t("nav.record"), "#/mi-expediente"], [t("privacyRequest.crumb"), null]]),
    ...pageHeading(t("privacyRequest.title", { kind: kindLabel(request.kind) }), t(officer ? "privacyRequest.leadOfficer" : "privacyRequest.lead")),
    section("request", t("privacyRequest.details"), { class: "panel", dataset: { request: request.id, status: request.status } }, requestFacts(request, privacy, { holder: officer })),
    request.kind === "access" && !officer ? notice("info", h("p", {}, t("privacyRequest.accessNote"))) : null,
    section("trail", t("privacyRequest.trail"), {}, trail(events, ctx.session)),
    officer && open ? section("decision", t("privacyDecision.title"), { class: "panel" }, h("p", { class: "hint" }, t("privacyDecision.lead")), decisionForm(request)) : null,
    officer && request.status === "referred" && !registryAnswerOf(request) ? section("registry-answer", t("privacyDecision.registryTitle"), { class: "panel" }, registryAnswerForm(request)) : null,
  );
}
