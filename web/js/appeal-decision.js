// The appeal (recurso de revisión) on the review page, as the deciding agency's supervisors
// see it: what is appealed (the rejection, who decided it and why, the applicant's
// arguments and documents, the legal deadline to resolve), and the form that resolves it
// (confirm, revoke or a new review, always with a reason). The API is the judge of the
// reason: its refusal is shown in the field it names.

import { ApiError, post } from "./api.js";
import { h } from "./dom.js";
import { errorMessage } from "./errors.js";
import { checkedForm, fieldError, labelledField } from "./fields.js";
import { formatDateTime, pick, t } from "./i18n.js";
import { stepName } from "./procedures.js";
import { flash, refresh } from "./router.js";
import { actorText, eventTitle } from "./timeline.js";
import { button, facts, notice, section, whileBusy } from "./ui.js";

const OUTCOMES = ["confirm", "revoke", "new_review"];

// The audit event that notified the appealed rejection (the appeal names its moment; an
// older record, the last rejection before the appeal).
export function appealedRejection(appeal, events) {
  const rejections = (events || []).filter((event) => event.to_status === "rejected" && event.at <= appeal.filed_at);
  return rejections.find((event) => event.at === appeal.rejected_at) || rejections[rejections.length - 1] || null;
}

// Whether `events`, the trail read so far (oldest first), holds the rejection the appeal is
// about: the one at its moment, or the trail has gone past the filing (nothing later can be it).
export function rejectionRead(appeal) {
  return (events) => events.some((event) => (event.to_status === "rejected" && event.at === appeal.rejected_at) || event.at > appeal.filed_at);
}

// The top-level step that is, or holds in its parallel branches, `stepId`.
function topLevelStep(steps, stepId) {
  for (const [id, step] of Object.entries(steps || {})) {
    if (id === stepId || (step.branches || []).some((branch) => topLevelStep(branch.steps, stepId))) return id;
  }
  return null;
}

// Where a revoked rejection resumes: the procedure's `appeal.resume_at`, else the step after the one that rejected.
function resumeStep(definition, appeal) {
  const top = topLevelStep(definition.steps, appeal.step);
  return definition.appeal?.resume_at || (top ? definition.steps[top].next : null) || null;
}

function documentItem(code, definition, links) {
  const link = links.find((item) => item.doc.requirement === code);
  const name = pick(definition.requirements.find((item) => item.code === code)?.name) || code;
  return h("li", { dataset: { requirement: code } }, link?.url ? h("a", { href: link.url, target: "_blank", rel: "noopener" }, name, h("span", { class: "visually-hidden" }, ` ${t("review.newWindow")}`)) : name);
}

// What is appealed, and once resolved, how.
export function appealSection(application, events, definition, links, viewer) {
  const appeal = application.appeal;
  const rejection = appealedRejection(appeal, events);
  const resolved = appeal.state !== "filed";
  return section(
    "appeal",
    t("appealReview.title"),
    { class: "panel panel-accent", dataset: { feature: "appeal-review", state: appeal.state } },
    facts([
      [t("appealReview.appealed"), rejection ? h("strong", {}, eventTitle(rejection.action)) : null],
      [t("appealReview.decided"), rejection ? [h("time", { datetime: rejection.at }, formatDateTime(rejection.at)), h("br"), h("span", { class: "muted" }, actorText(rejection.actor, definition, viewer))] : null],
      [t("appealReview.rejectionReason"), rejection?.reason ? h("span", { class: "comment-text", dataset: { appealed: "reason" } }, rejection.reason) : null],
      [t("appealReview.arguments"), h("span", { class: "comment-text", dataset: { appeal: "arguments" } }, appeal.arguments)],
      [t("appealReview.documents"), appeal.documents.length ? h("ul", { class: "documents-list" }, appeal.documents.map((code) => documentItem(code, definition, links))) : h("span", { class: "muted" }, t("appealReview.noDocuments"))],
      [t("appealReview.filedAt"), formatDateTime(appeal.filed_at)],
      [t("appealReview.deadline"), h("strong", { dataset: { appeal: "deadline" } }, formatDateTime(appeal.deadline))],
      [t("appealReview.outcome"), resolved ? h("strong", { dataset: { appeal: "outcome" } }, t(`appealReview.state.${appeal.state}`)) : null],
      [t("appealReview.outcomeReason"), resolved && appeal.reason ? h("span", { class: "comment-text" }, appeal.reason) : null],
      [t("appealReview.decidedAt"), resolved && appeal.decided_at ? formatDateTime(appeal.decided_at) : null],
    ]),
  );
}

// The supervisor's resolution: one of three outcomes, explained, and a reason.
export function appealDecisionForm(application, events, definition, viewer) {
  const appeal = application.appeal;
  const rejection = appealedRejection(appeal, events);
  if (rejection && viewer?.username && rejection.actor?.id === viewer.username) {
    // Whoever decided what is appealed may not resolve it: say so instead of a form the API refuses.
    return notice("warning", h("p", {}, t("appealDecision.ownDecision")));
  }
  const message = h("div", { "aria-live": "assertive" });
  const step = stepName(definition, appeal.step);
  const resume = stepName(definition, resumeStep(definition, appeal));
  const hints = {
    confirm: t("appealDecision.confirmHint"),
    revoke: resume ? t("appealDecision.revokeHint", { step: resume }) : t("appealDecision.revokeHintAnywhere"),
    new_review: t("appealDecision.new_reviewHint", { step: step || appeal.step }),
  };
  const choices = OUTCOMES.map((outcome) => {
    const id = `appeal-outcome-${outcome}`;
    return h(
      "div",
      { class: "choice" },
      h("input", { type: "radio", name: "outcome", id, value: outcome, "aria-describedby": `${id}-hint` }),
      h("div", {}, h("label", { for: id }, h("strong", {}, t(`appealDecision.${outcome}`))), h("p", { class: "hint", id: `${id}-hint` }, hints[outcome])),
    );
  });
  const outcomeError = h("p", { class: "field-error", id: "appeal-outcome-error", hidden: true });
  const outcomeSet = h("fieldset", { class: "field", "aria-describedby": "appeal-outcome-error" }, h("legend", { class: "label" }, t("appealDecision.question")), outcomeError, h("div", { class: "choices" }, choices));
  const radios = outcomeSet.querySelectorAll("input[name=outcome]");
  const setOutcomeError = fieldError(outcomeSet, outcomeError, radios);
  const reason = labelledField({
    id: "appeal-reason",
    label: t("appealDecision.reason"),
    hint: t("appealDecision.reasonHint"),
    control: h("textarea", { id: "appeal-reason", name: "reason", rows: "4", maxlength: "1000", "aria-describedby": "appeal-reason-hint appeal-reason-error" }),
  });
  const submit = button(t("appealDecision.submit"), { type: "submit" });

  const form = checkedForm(
    { dataset: { feature: "appeal-decision" } },
    async () => {
      message.replaceChildren();
      setOutcomeError(null);
      reason.setError(null);
      const chosen = form.querySelector("input[name=outcome]:checked");
      if (!chosen) {
        setOutcomeError(t("appealDecision.chooseError"));
        radios[0].focus();
        return;
      }
      await whileBusy(submit, async () => {
        try {
          await post(`/applications/${encodeURIComponent(application.id)}/appeal/decision`, { outcome: chosen.value, reason: reason.input.value });
          flash(t(`appealDecision.recorded.${chosen.value}`, { id: application.id }));
          refresh();
        } catch (error) {
          const fields = error instanceof ApiError ? error.details.map((detail) => detail.field) : [];
          if (fields.includes("reason")) {
            reason.setError(errorMessage(error));
            reason.input.focus();
          } else if (fields.includes("outcome")) {
            setOutcomeError(errorMessage(error));
            radios[0].focus();
          } else {
            message.replaceChildren(notice("error", h("p", {}, errorMessage(error))));
          }
        }
      });
    },
    outcomeSet,
    reason.element,
    h("p", { class: "hint" }, t("appealDecision.sealNote")),
    message,
    h("div", { class: "actions" }, submit),
  );
  return form;
}
