// One application, as its citizen follows it: status, current step, who holds it, the
// legal deadline, the timeline of audit events, what to do next, who gets its SMS and
// what was sent (sms-panel.js), the signed documents to download (the acuse, each
// resolution), withdrawing one not yet resolved (desistimiento), and rating a finished one.

import { get, post, procedure } from "../api.js";
import { append, h } from "../dom.js";
import { downloadButton } from "../download.js";
import { errorMessage } from "../errors.js";
import { evidenceReview, provenanceSection } from "../evidence.js";
import { checkedForm } from "../fields.js";
import { formatDateTime, formatMoney, pick, t } from "../i18n.js";
import { agencyName, allSteps, silenceDetail, stepName } from "../procedures.js";
import { flash, refresh } from "../router.js";
import { readTrail, timeline } from "../timeline.js";
import { acuseSection } from "../acuse.js";
import { appealPanel } from "../appeal.js";
import { CALLABLE, callbackPanel } from "../callback.js";
import { smsPanel } from "../sms-panel.js";
import { breadcrumbs, button, facts, linkButton, notice, pageHeading, section, setTitle, statusTag, twoColumns, whileBusy } from "../ui.js";

const FINAL = new Set(["issued", "rejected", "withdrawn"]);
const BUSY = new Set(["submitted", "deemed_approved"]);
// before a final resolution the holder (or their assistant) may withdraw: POST /applications/{id}/withdraw
const WITHDRAWABLE = new Set(["draft", "submitted", "evidence_review", "in_review", "changes_requested", "awaiting_payment", "error"]);

export function holderText(application, definition) {
  switch (application.status) {
    case "draft":
    case "changes_requested":
    case "awaiting_payment":
    case "evidence_review":
      return t("holder.you");
    case "in_review":
      return application.current_agency ? agencyName(definition, application.current_agency) : t("holder.agency");
    case "submitted":
    case "deemed_approved":
      return t("holder.system");
    case "error":
      return t("holder.support");
    default:
      return t("holder.none");
  }
}

// The statuses whose next-step note quotes the reason of the event that led to them.
const LATEST_REASON = new Set(["changes_requested", "rejected", "withdrawn"]);

function lastEvent(events, action) {
  return [...events].reverse().find((event) => event.action === action);
}

function nextStep(application, definition, events) {
  const id = application.id;
  switch (application.status) {
    case "draft":
      return notice(
        "info",
        h("p", {}, t("next.draft")),
        h("div", { class: "actions" }, linkButton(t("next.draftContinue"), `#/solicitudes/${id}/documentos`), linkButton(t("next.draftEdit"), `#/solicitudes/${id}/editar`, "secondary")),
      );
    case "submitted":
      return notice("info", h("p", {}, t("next.submitted")));
    case "evidence_review":
      return notice(
        "warning",
        h("p", {}, h("strong", {}, t("next.evidence_review"))),
        application.deadline ? h("p", {}, t("next.evidenceBefore", { date: formatDateTime(application.deadline) })) : null,
      );
    case "in_review":
      return notice("info", h("p", {}, t("next.in_review", { agency: holderText(application, definition) })));
    case "changes_requested": {
      const request = lastEvent(events, "review.changes_requested");
      return notice(
        "warning",
        h("p", {}, h("strong", {}, t("next.changes_requested"))),
        request?.reason ? h("p", { class: "event-reason" }, request.reason) : null,
        application.deadline ? h("p", {}, t("next.changesDeadline", { date: formatDateTime(application.deadline) })) : null,
        h("div", { class: "actions" }, linkButton(t("next.fix"), `#/solicitudes/${id}/editar`), linkButton(t("next.fixDocuments"), `#/solicitudes/${id}/documentos`, "secondary")),
      );
    }
    case "awaiting_payment":
      return notice(
        "warning",
        h("p", {}, h("strong", {}, t("next.awaiting_payment", { amount: formatMoney(application.fee?.amount) }))),
        application.deadline ? h("p", {}, t("next.payBefore", { date: formatDateTime(application.deadline) })) : null,
        h("div", { class: "actions" }, linkButton(t("next.pay"), `#/solicitudes/${id}/pago`)),
      );
    case "deemed_approved":
      return notice("success", h("p", {}, t("next.deemed_approved")));
    case "issued":
      return notice(
        "success",
        h("p", {}, h("strong", {}, t("next.issued"))),
        h(
          "div",
          { class: "actions" },
          (application.issued || []).map((doc) => linkButton(t("next.seeDocument"), `#/documentos/${encodeURIComponent(doc.id)}`)),
        ),
      );
    case "rejected": {
      const event = lastEvent(events, "review.rejected") || lastEvent(events, "review.deemed_denied") || lastEvent(events, "checks.failed");
      const reason = event?.action === "checks.failed" ? (event.details?.failed || []).map(pick).join(" ") : event?.reason;
      return notice("error", h("p", {}, h("strong", {}, t("next.rejected"))), reason ? h("p", { class: "event-reason" }, reason) : null, h("p", {}, t("next.rejectedRights")));
    }
    case "withdrawn": {
      const event = lastEvent(events, "application.withdrawn") || lastEvent(events, "application.closed") || lastEvent(events, "draft.purged") || lastEvent(events, "draft.cancelled");
      return notice("info", h("p", {}, t("next.withdrawn")), event?.reason ? h("p", { class: "event-reason" }, event.reason) : null);
    }
    case "error":
      return notice("error", h("p", {}, t("next.error")));
    default:
      return null;
  }
}

function deadlineFact(application, definition) {
  if (!application.deadline) return null;
  const step = allSteps(definition).get(application.current_step);
  const date = formatDateTime(application.deadline);
  if (application.status === "in_review" && step?.type === "review") return h("span", {}, h("strong", {}, date), h("br"), h("span", { class: "muted" }, silenceDetail(step)));
  return date;
}

function deadlineLabel(status) {
  if (status === "awaiting_payment") return t("application.payBy");
  if (status === "changes_requested") return t("application.fixBy");
  return t("application.deadline");
}

// The acuse de recibo and each resolution as PDF: what was signed, the signatures, the
// platform's seal and a QR code to check them.
function signedDocuments(application, definition) {
  if (!application.acuse) return null;
  const id = encodeURIComponent(application.id);
  return section(
    "signed",
    t("signed.title"),
    { class: "panel", dataset: { feature: "signed-documents" } },
    h("p", { class: "muted" }, t("signed.lead")),
    downloadButton(t("signed.acuse"), `/applications/${id}/acuse/pdf`, `acuse-${application.id}.pdf`),
    (application.resolutions || []).map((resolution) =>
      downloadButton(
        t("signed.resolution", { agency: agencyName(definition, resolution.agency) }),
        `/applications/${id}/resolutions/${encodeURIComponent(resolution.review_id)}/pdf`,
        `resolucion-${application.id}.pdf`,
      ),
    ),
  );
}

// After a final status the citizen rates the procedure once (1-5 and a comment); the
// agency reads it, and the dashboard counts it.
function ratingPanel(application) {
  const panel = h("section", { class: "panel", "aria-labelledby": "rating-heading", dataset: { feature: "rating" } }, h("h2", { id: "rating-heading" }, t("rating.title")));
  const rated = (rating) => notice("success", h("p", {}, t("rating.given", { score: rating.score })), rating.comment ? h("p", {}, `«${rating.comment}»`) : null);
  if (application.rating) return append(panel, rated(application.rating));
  const message = h("div", { "aria-live": "polite" });
  const choices = [1, 2, 3, 4, 5].map((score) => {
    const id = `rating-${score}`;
    return h("div", { class: "choice" }, h("input", { type: "radio", name: "rating", id, value: String(score) }), h("label", { for: id }, `${score}`, h("span", { class: "visually-hidden" }, ` — ${t(`rating.scale.${score}`)}`)));
  });
  const comment = h("textarea", { id: "rating-comment", maxlength: "500", rows: "3", "aria-describedby": "rating-comment-hint" });
  const submit = button(t("rating.submit"), { type: "submit", kind: "green" });
  const form = checkedForm(
    {},
    async () => {
      const chosen = form.querySelector("input[name=rating]:checked");
      if (!chosen) {
        message.replaceChildren(notice("error", h("p", {}, t("rating.choose"))));
        form.querySelector("input[name=rating]").focus();
        return;
      }
      await whileBusy(submit, async () => {
        try {
          const answer = await post(`/applications/${encodeURIComponent(application.id)}/rating`, { score: Number(chosen.value), comment: comment.value.trim() });
          form.replaceWith(notice("success", h("p", {}, t("rating.thanks"))), rated(answer));
        } catch (error) {
          message.replaceChildren(notice("error", h("p", {}, errorMessage(error))));
        }
      });
    },
    h(
      "fieldset",
      { class: "field" },
      h("legend", { class: "label" }, t("rating.question")),
      h("p", { class: "hint" }, t("rating.hint")),
      h("div", { class: "rating-scale" }, choices),
    ),
    h(
      "div",
      { class: "field" },
      h("label", { class: "label", for: "rating-comment" }, t("rating.comment"), h("span", { class: "optional" }, ` ${t("form.optional")}`)),
      h("p", { class: "hint", id: "rating-comment-hint" }, t("rating.commentHint")),
      comment,
    ),
    message,
    h("div", { class: "actions" }, submit),
  );
  return append(panel, form);
}

// Desistimiento: a button that opens a confirmation (what it ends, an optional reason),
// and only the confirmation withdraws.
function withdrawPanel(application) {
  const panel = h("section", { class: "panel", "aria-labelledby": "withdraw-heading", dataset: { feature: "withdraw" } }, h("h2", { id: "withdraw-heading" }, t("withdraw.title")));
  const message = h("div", { "aria-live": "polite" });
  const reason = h("textarea", { id: "withdraw-reason", maxlength: "500", rows: "3", "aria-describedby": "withdraw-reason-hint" });
  const confirm = button(t("withdraw.confirm"), { type: "submit", kind: "danger" });
  // drawn only while the confirmation is open: the page's own warning (corrections, payment) stays the only one
  const question = h("div", {});
  const ask = () => notice("warning", h("p", {}, h("strong", {}, t("withdraw.question"))), h("p", {}, t(application.status === "awaiting_payment" ? "withdraw.consequencesPayment" : "withdraw.consequences")));
  const form = checkedForm(
    {},
    async () => {
      await whileBusy(confirm, async () => {
        try {
          await post(`/applications/${encodeURIComponent(application.id)}/withdraw`, reason.value.trim() ? { reason: reason.value.trim() } : {});
          flash(t("withdraw.done"));
          refresh();
        } catch (error) {
          message.replaceChildren(notice("error", h("p", {}, errorMessage(error))));
        }
      });
    },
    question,
    h(
      "div",
      { class: "field" },
      h("label", { class: "label", for: "withdraw-reason" }, t("withdraw.reason"), h("span", { class: "optional" }, ` ${t("form.optional")}`)),
      h("p", { class: "hint", id: "withdraw-reason-hint" }, t("withdraw.reasonHint")),
      reason,
    ),
    message,
    h("div", { class: "actions" }, confirm, button(t("withdraw.keep"), { kind: "secondary", onclick: () => {
      form.hidden = true;
      question.replaceChildren();
      open.hidden = false;
      open.focus();
    } })),
  );
  form.hidden = true;
  const open = button(t("withdraw.button"), { kind: "secondary", onclick: () => {
    open.hidden = true;
    question.replaceChildren(ask());
    form.hidden = false;
    reason.focus();
  } });
  return append(panel, h("p", { class: "muted" }, t("withdraw.lead")), open, form);
}

export async function render(view, ctx) {
  const id = ctx.params.id;
  const application = await get(`/applications/${encodeURIComponent(id)}`);
  // The next-step note quotes the reason of the latest status change: in those statuses the
  // whole trail is read (it ends there); otherwise its first page is enough.
  const [audit, detail] = await Promise.all([readTrail(id, () => !LATEST_REASON.has(application.status)), procedure(application.procedure.code, application.procedure.version)]);
  const definition = detail.definition;
  const name = pick(definition.name);
  setTitle(`${name} · ${application.id}`);
  const events = audit.events;

  const integrity = h("p", { class: "muted", dataset: { audit: "pending" } }, t("audit.checking"));
  get(`/applications/${encodeURIComponent(id)}/audit/verify`)
    .then((result) => {
      integrity.dataset.audit = result.intact ? "intact" : "broken";
      integrity.textContent = result.intact ? t("audit.intact", { n: result.events }) : t("audit.broken");
    })
    .catch(() => {
      integrity.textContent = t("audit.unavailable");
    });

  append(view, 
    breadcrumbs([
      ctx.session?.isAssistant ? [t("nav.centre"), "#/centro"] : [t("nav.record"), "#/mi-expediente"],
      [name, null],
    ]),
    ...pageHeading(name),
    h("p", { class: "application-status" }, `${t("application.folio")}: `, h("strong", { class: "mono" }, application.id), " · ", statusTag(application.status)),
    twoColumns(
      [
        nextStep(application, definition, events),
        appealPanel(application, definition, ctx.session),
        application.status === "evidence_review" && !ctx.session?.isOfficial
          ? evidenceReview(application, definition, {
              onConfirmed: () => {
                flash(t("evidence.confirmed"));
                refresh();
              },
            })
          : null,
        section(
          "state",
          t("application.state"),
          { class: "panel" },
          facts([
            [t("application.status"), statusTag(application.status)],
            [t("application.step"), stepName(definition, application.current_step) || null],
            [t("application.holder"), holderText(application, definition)],
            [t("application.phoneFolio"), application.phone_folio ? h("span", { class: "mono" }, application.phone_folio.replace(/(\d{4})(?=\d)/g, "$1 ")) : null],
            [deadlineLabel(application.status), deadlineFact(application, definition)],
            [t("application.fee"), application.fee ? formatMoney(application.fee.amount, application.fee.currency) : null],
            [t("application.submittedAt"), application.submitted_at ? formatDateTime(application.submitted_at) : null],
            [t("application.agency"), agencyName(definition, application.agency)],
          ]),
        ),
        acuseSection(application),
        application.status !== "evidence_review" ? provenanceSection(application, definition) : null,
        section("history", t("application.history"), {}, integrity, timeline(id, audit, definition, ctx.session)),
        ctx.session?.isCitizen ? smsPanel(application) : null,
      ],
      h(
        "aside",
        {},
        application.documents?.length
          ? section(
              "files",
              t("application.files"),
              { class: "panel" },
              h(
                "ul",
                {},
                application.documents.map((doc) => h("li", {}, h("span", { class: "mono" }, doc.filename), h("br"), h("span", { class: "muted" }, pick(definition.requirements.find((r) => r.code === doc.requirement)?.name)))),
              ),
            )
          : null,
        signedDocuments(application, definition),
        FINAL.has(application.status) && ctx.session?.isCitizen ? ratingPanel(application) : null,
        CALLABLE.has(application.status) && (ctx.session?.isCitizen || ctx.session?.isAssistant) ? callbackPanel(application, events) : null,
        WITHDRAWABLE.has(application.status) && (ctx.session?.isCitizen || ctx.session?.isAssistant) ? withdrawPanel(application) : null,
        h("p", {}, button(t("application.refresh"), { kind: "secondary", onclick: () => refresh() })),
      ),
    ),
  );

  if (!FINAL.has(application.status)) {
    const interval = BUSY.has(application.status) ? 2000 : 15000;
    const timer = window.setInterval(async () => {
      try {
        const latest = await get(`/applications/${encodeURIComponent(id)}`);
        if (latest.status !== application.status || latest.updated_at !== application.updated_at) refresh();
      } catch {
        /* keep the page as it is; the next tick tries again */
      }
    }, interval);
    ctx.onLeave(() => window.clearInterval(timer));
  }
}
