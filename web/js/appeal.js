// The appeal (recurso de revisión) of a rejection, on the application page: while the
// period runs, the holder (or their assistant) writes why the rejection should be
// revoked and may point to documents the application already holds; once filed, where
// it stands and, once resolved, the supervisor's answer.

import { post } from "./api.js";
import { h } from "./dom.js";
import { errorMessage } from "./errors.js";
import { checkedForm, labelledField } from "./fields.js";
import { formatDateTime, pick, t } from "./i18n.js";
import { agencyName } from "./procedures.js";
import { flash, refresh } from "./router.js";
import { button, notice, section, whileBusy } from "./ui.js";

function appealState(appeal, definition) {
  const agency = agencyName(definition, appeal.agency);
  if (appeal.state === "filed") {
    return notice("info", h("p", {}, t("appeal.filed", { date: formatDateTime(appeal.filed_at), agency, deadline: formatDateTime(appeal.deadline) })));
  }
  const kind = appeal.state === "confirmed" ? "error" : "success";
  return notice(kind, h("p", {}, h("strong", {}, t(`appeal.${appeal.state}`))), appeal.reason ? h("p", { class: "event-reason" }, appeal.reason) : null);
}

function appealForm(application, definition) {
  const message = h("div", { "aria-live": "polite" });
  const agency = agencyName(definition, application.agency);
  const field = labelledField({
    id: "appeal-arguments",
    label: t("appeal.arguments"),
    hint: t("appeal.argumentsHint"),
    control: h("textarea", { id: "appeal-arguments", rows: "5", maxlength: "5000", "aria-describedby": "appeal-arguments-hint appeal-arguments-error" }),
  });
  const documents = application.documents || [];
  const choices = documents.map((doc) => {
    const id = `appeal-doc-${doc.requirement}`;
    const name = pick(definition.requirements.find((r) => r.code === doc.requirement)?.name) || doc.requirement;
    return h("div", { class: "choice" }, h("input", { type: "checkbox", id, name: "appeal-document", value: doc.requirement }), h("label", { for: id }, name));
  });
  const submit = button(t("appeal.submit"), { type: "submit" });
  const form = checkedForm(
    { dataset: { feature: "appeal-form" } },
    async () => {
      field.setError("");
      message.replaceChildren();
      const chosen = [...form.querySelectorAll("input[name=appeal-document]:checked")].map((input) => input.value);
      await whileBusy(submit, async () => {
        try {
          await post(`/applications/${encodeURIComponent(application.id)}/appeal`, { arguments: field.input.value, documents: chosen });
          flash(t("appeal.sent"));
          refresh();
        } catch (error) {
          const text = errorMessage(error);
          if (error.code === "arguments_required") {
            field.setError(text);
            field.input.focus();
          } else {
            message.replaceChildren(notice("error", h("p", {}, text)));
          }
        }
      });
    },
    application.appeal_until ? h("p", {}, t("appeal.intro", { date: formatDateTime(application.appeal_until), agency })) : null,
    field.element,
    choices.length ? h("fieldset", { class: "field" }, h("legend", { class: "label" }, t("appeal.documents")), choices) : null,
    message,
    h("div", { class: "actions" }, submit),
  );
  return form;
}

export function appealPanel(application, definition, session) {
  const holder = Boolean(session?.isCitizen || session?.isAssistant);
  let content = null;
  if (application.appeal) content = appealState(application.appeal, definition);
  else if (application.status !== "rejected" || !holder) return null;
  else if (application.appeal_until && new Date(application.appeal_until) < new Date()) {
    content = notice("info", h("p", {}, t("appeal.windowClosed", { date: formatDateTime(application.appeal_until) })));
  } else content = appealForm(application, definition);
  return section("appeal", t("appeal.title"), { class: "panel", dataset: { feature: "appeal" } }, content);
}
