// An official reviews one application: the answers, the documents, the history, and a
// decision (approve, request corrections, reject) that always carries a reason, and a
// second one when it is taken before applications that come first in the queue. Unless the
// step takes the platform's seal alone (`"signature": "seal"`), the decision is signed: the
// page prepares the decision's cadena original, shows it, the official signs it in the
// e.firma panel with their own files, and the decision is sent with the signature.
// An appeal of a rejection (in the supervisors' queue) shows what is appealed and takes
// the appeal's own resolution instead (appeal-decision.js).

import { ApiError, get, newIdempotencyKey, post, procedure } from "../api.js";
import { appealDecisionForm, appealSection, rejectionRead } from "../appeal-decision.js";
import { append, h } from "../dom.js";
import { efirmaPanel } from "../efirma-panel.js";
import { provenanceSection } from "../evidence.js";
import { errorMessage } from "../errors.js";
import { readPages } from "../more.js";
import { checkedForm, fieldError, labelledField } from "../fields.js";
import { formatDateTime, formatMoney, pick, t, tn } from "../i18n.js";
import { allSteps, fieldTitle, formatAnswer, silenceDetail, sizeText, stepName } from "../procedures.js";
import { flash, navigate } from "../router.js";
import { STALE_CADENA, cadenaBlock, preparedCadena } from "../signing.js";
import { readTrail, timeline } from "../timeline.js";
import { breadcrumbs, button, facts, notice, pageHeading, section, setTitle, statusTag, twoColumns, whileBusy } from "../ui.js";

const DECISIONS = ["approve", "request_changes", "reject"];

function decisionForm(review, sealOnly) {
  const message = h("div", { "aria-live": "assertive" });
  const choiceError = h("p", { class: "field-error", id: "decision-error", hidden: true });
  const radios = DECISIONS.map((decision) => {
    const id = `decision-${decision}`;
    return h("div", { class: "choice" }, h("input", { type: "radio", name: "decision", id, value: decision }), h("label", { for: id }, t(`decision.${decision}`)));
  });
  const decisionSet = h("fieldset", { class: "field", "aria-describedby": "decision-error" }, h("legend", { class: "label" }, t("decision.question")), choiceError, h("div", { class: "choices" }, radios));
  const setChoiceError = fieldError(decisionSet, choiceError, decisionSet.querySelectorAll("input[name=decision]"));
  const reason = h("textarea", { id: "reason", name: "reason", rows: "4", maxlength: "1000", "aria-describedby": "reason-hint reason-error" });
  const { element: reasonField, setError: setReasonError } = labelledField({ id: "reason", label: t("decision.reason"), hint: t("decision.reasonHint"), control: reason });
  // Queue fairness: deciding before applications that come first needs a reason, kept in the history.
  const turnError = h("p", { class: "field-error", id: "turn-error", hidden: true });
  const turnReason = h("textarea", { id: "reason-out-of-order", name: "reason_out_of_order", rows: "3", maxlength: "500", "aria-describedby": "turn-hint turn-error" });
  const turnHint = h("p", { class: "hint", id: "turn-hint" }, review.out_of_turn ? tn("decision.outOfTurnHint", review.earlier_open) : t("decision.outOfTurnLate"));
  const turnField = h("div", { class: "field", hidden: !review.out_of_turn, dataset: { outOfTurn: "true" } }, h("label", { class: "label", for: "reason-out-of-order" }, t("decision.outOfTurnReason")), turnHint, turnError, turnReason);
  const setTurnError = fieldError(turnField, turnError, turnReason);
  const submit = button(t(sealOnly ? "decision.submit" : "decision.toSign"), { type: "submit" });
  const idempotencyKey = newIdempotencyKey();
  const reviewPath = `/reviews/${encodeURIComponent(review.review_id)}`;
  let chosen = null;
  let text = "";
  let why = "";

  // Sends the decision; problems with the decision itself (not with the signature) go back
  // to the fields above, and the signing step closes.
  const send = async (efirma) => {
    try {
      await post(`${reviewPath}/decision`, { decision: chosen.value, reason: text, ...(turnField.hidden ? {} : { reason_out_of_order: why }), ...(efirma ? { efirma } : {}) }, { idempotencyKey });
      flash(t("decision.recorded", { id: review.application_id }));
      navigate("/oficina");
      return true;
    } catch (error) {
      const decisionProblem = error instanceof ApiError && error.details.some((detail) => detail.field === "reason_out_of_order" || detail.field === "reason");
      if (efirma && !decisionProblem) throw error;
      signing.close();
      if (error instanceof ApiError && error.details.some((detail) => detail.field === "reason_out_of_order")) {
        // The queue changed since the page was drawn: others now come first.
        turnField.hidden = false;
        setTurnError(t("decision.outOfTurnError"));
        turnReason.focus();
        return false;
      }
      if (error instanceof ApiError && error.details.some((detail) => detail.field === "reason")) {
        setReasonError(t("decision.reasonError"));
        reason.focus();
        return false;
      }
      message.replaceChildren(notice("error", h("p", {}, errorMessage(error))));
      return false;
    }
  };
  // While the official signs, the decision's fields are read-only: the text stands for them.
  const lock = (locked) => {
    for (const radio of decisionSet.querySelectorAll("input[name=decision]")) radio.disabled = locked && !radio.checked;
    for (const control of [reason, turnReason]) {
      if (locked) control.setAttribute("readonly", "");
      else control.removeAttribute("readonly");
    }
    submit.hidden = locked;
    if (!locked) (chosen || reason).focus();
  };
  const signing = signingStep(reviewPath, () => ({ decision: chosen.value, reason: text }), send, lock);

  const form = checkedForm(
    {},
    async () => {
      message.replaceChildren();
      chosen = form.querySelector("input[name=decision]:checked");
      text = reason.value.trim();
      setChoiceError(chosen ? null : t("decision.chooseError"));
      setReasonError(text.length >= 3 ? null : t("decision.reasonError"));
      why = turnReason.value.trim();
      setTurnError(turnField.hidden || why.length >= 3 ? null : t("decision.outOfTurnError"));
      if (!chosen) return form.querySelector("input[name=decision]").focus();
      if (text.length < 3) return reason.focus();
      if (!turnField.hidden && why.length < 3) return turnReason.focus();
      await whileBusy(submit, async () => {
        if (sealOnly) {
          await send(null);
          return;
        }
        try {
          // The API says whether this step takes the official's e.firma: sign if it does.
          if (!(await signing.open(t(`decision.${chosen.value}`), text))) await send(null);
        } catch (error) {
          if (!(error instanceof ApiError)) throw error;
          message.replaceChildren(notice("error", h("p", {}, errorMessage(error))));
        }
      });
    },
    decisionSet,
    reasonField,
    turnField,
    message,
    h("div", { class: "actions" }, submit),
  );
  return h("div", {}, sealOnly ? null : h("p", { class: "hint", dataset: { signature: "efirma" } }, t("decision.efirmaNote")), form, signing.element);
}

// The signing step, under the decision: what is decided, the decision's cadena original as
// the API prepared it, and the e.firma panel. While it is open the decision's fields are
// read-only (the text stands for them); "Change the decision" opens them again.
function signingStep(reviewPath, draft, send, lock) {
  const cadena = cadenaBlock("decision-cadena");
  const prepared = preparedCadena(() => post(`${reviewPath}/cadena-original`, draft()), (text) => cadena.show(text));
  const panel = efirmaPanel({
    id: "decision-efirma",
    submitLabel: t("decision.signAndSubmit"),
    text: () => prepared.current(),
    onSigned: async ({ certificate, signature, text }) => {
      try {
        return await send({ certificate, cadena_original: text, signature });
      } catch (error) {
        if (error instanceof ApiError && STALE_CADENA.has(error.code)) prepared.forget();
        throw error;
      }
    },
  });
  const summary = h("div");
  const heading = h("h3", { id: "decision-sign-heading", tabindex: "-1" }, t("decision.signTitle"));
  const change = button(t("decision.change"), { kind: "secondary" });
  const element = h("section", { class: "signing", "aria-labelledby": "decision-sign-heading", hidden: true, dataset: { signing: "decision" } }, heading, summary, cadena.element, panel.element, h("p", {}, change));
  const step = {
    element,
    // Prepares the text; false when the step takes the seal alone after all.
    async open(decision, reason) {
      const answer = await prepared.first();
      if (!answer.efirma_required) return false;
      summary.replaceChildren(
        facts([
          [t("decision.question"), h("strong", {}, decision)],
          [t("decision.reason"), reason],
        ]),
      );
      lock(true);
      element.hidden = false;
      heading.focus();
      return true;
    },
    close() {
      if (element.hidden) return;
      element.hidden = true;
      prepared.forget();
      lock(false);
    },
  };
  change.addEventListener("click", () => step.close());
  return step;
}

export async function render(view, ctx) {
  const id = ctx.params.id;
  const application = await get(`/applications/${encodeURIComponent(id)}`);
  // An appeal is about a rejection somewhere in the trail: read on until it is found.
  const enough = application.appeal ? rejectionRead(application.appeal) : undefined;
  const [audit, detail] = await Promise.all([readTrail(id, enough), procedure(application.procedure.code, application.procedure.version)]);
  const definition = detail.definition;
  const agencies = ctx.session.agencies;
  // this application's open review, wherever it is in the agency's queue: read on until it is found
  const mine = (items) => items.some((item) => item.application_id === id);
  const queues = await Promise.all(agencies.map((agency) => readPages(`/agencies/${encodeURIComponent(agency)}/reviews?limit=200`, "reviews", mine).catch(() => ({ items: [] }))));
  const review = queues.flatMap((queue) => queue.items).find((item) => item.application_id === id);
  const links = await Promise.all(
    (application.documents || []).map((doc) =>
      get(`/applications/${encodeURIComponent(id)}/documents/${encodeURIComponent(doc.requirement)}`)
        .then((answer) => ({ doc, url: answer.url }))
        .catch(() => ({ doc, url: null })),
    ),
  );
  const name = pick(definition.name);
  setTitle(t("review.title", { id }));
  const step = allSteps(definition).get(application.current_step);
  const answers = Object.entries(definition.form.properties || {}).map(([field, schema]) => [fieldTitle(schema, field), formatAnswer(schema, application.data?.[field])]);
  // An appeal is resolved as an appeal (confirm, revoke, new review), never with the ordinary decision.
  const appeal = application.appeal;
  const appealOpen = Boolean(review?.appeal && appeal?.state === "filed");
  const decisionPanel = appealOpen
    ? section("decision", t("appealDecision.title"), { class: "panel panel-accent" }, appealDecisionForm(application, audit.events, definition, ctx.session))
    : section("decision", t("decision.title"), { class: "panel panel-accent" }, review && !review.appeal ? decisionForm(review, step?.signature === "seal") : notice("info", h("p", {}, t("review.noOpenReview"))));

  append(view, 
    breadcrumbs([
      [t("nav.office"), "#/oficina"],
      [t("review.title", { id }), null],
    ]),
    ...pageHeading(t("review.title", { id }), name),
    h("p", {}, statusTag(application.status), appealOpen ? [" ", h("strong", { class: "tag tag-warning" }, t("office.appeal"))] : null),
    twoColumns(
      [
        appeal ? appealSection(application, audit.events, definition, links, ctx.session) : null,
        section(
          "case",
          t("review.case"),
          { class: "panel" },
          facts([
            [t("application.step"), stepName(definition, application.current_step) || null],
            [t("application.deadline"), application.deadline ? h("span", {}, h("strong", {}, formatDateTime(application.deadline)), step?.type === "review" ? [h("br"), h("span", { class: "muted" }, silenceDetail(step))] : null) : null],
            [t("application.submittedAt"), application.submitted_at ? formatDateTime(application.submitted_at) : null],
            [t("application.fee"), application.fee ? formatMoney(application.fee.amount, application.fee.currency) : null],
          ]),
        ),
        section("answers", t("review.answers"), {}, facts(answers)),
        provenanceSection(application, definition, { reviewId: review?.review_id }),
        section(
          "docs",
          t("review.documents"),
          {},
          links.length
            ? h(
                "ul",
                { class: "documents-list" },
                links.map(({ doc, url }) =>
                  h(
                    "li",
                    { dataset: { requirement: doc.requirement } },
                    h("strong", {}, pick(definition.requirements.find((item) => item.code === doc.requirement)?.name) || doc.requirement),
                    h("br"),
                    url ? h("a", { href: url, target: "_blank", rel: "noopener" }, t("review.open", { name: doc.filename }), h("span", { class: "visually-hidden" }, ` ${t("review.newWindow")}`)) : h("span", { class: "muted" }, doc.filename),
                    h("span", { class: "muted" }, ` · ${sizeText(doc.size)} · SHA-256 `, h("span", { class: "mono" }, `${doc.sha256.slice(0, 12)}…`)),
                  ),
                ),
              )
            : h("p", { class: "muted" }, t("review.noDocuments")),
        ),
        section("history", t("application.history"), {}, timeline(id, audit, definition, ctx.session)),
      ],
      h("aside", {}, decisionPanel),
    ),
  );
}
