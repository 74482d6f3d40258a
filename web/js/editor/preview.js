// The publisher's preview of a procedure definition, from the API's preview report
// (POST /procedures/preview): the citizen's form drawn by the apply page's own code, on a
// phone and on a desk; the requirements, the legal deadline, the fee for sample answers
// and the SMS texts the citizen will receive, with what each costs in segments.

import { append, h, uid } from "../dom.js";
import { checkedForm } from "../fields.js";
import { formatMoney, has, lang, pick, t, tn } from "../i18n.js";
import { fieldTitle, reviewSteps } from "../procedures.js";
import { schemaForm } from "../schema-form.js";
import { announce, button, notice } from "../ui.js";
import { stepper } from "../pages/apply.js";
import { deadlineItem, requirementItem } from "../pages/procedure.js";

// The two screens the citizen's form is drawn on, at their real width in CSS pixels.
export const SCREENS = [
  { key: "phone", width: 360 },
  { key: "desktop", width: 1280 },
];

export function previewPanel(report, { answers = {}, onAnswers = () => {} } = {}) {
  const headingId = uid("preview-heading");
  const panel = h("section", { class: "editor-preview", "aria-labelledby": headingId, dataset: { preview: report?.valid ? "valid" : "invalid" } }, h("h2", { id: headingId }, t("preview.title")));
  const detail = report?.procedure;
  if (!report?.valid || !detail) {
    const count = report?.problems?.length || 0;
    panel.append(notice("warning", h("p", {}, count ? tn("preview.invalid", count) : t("preview.unavailable"))));
    return panel;
  }
  const definition = detail.definition;
  panel.append(
    h("p", { class: "muted" }, t("preview.lead")),
    h(
      "div",
      { class: "preview-screens" },
      SCREENS.map((screen) => screenFrame(screen, detail)),
    ),
    part("requirements", t("procedure.requirements"), h("p", {}, t("procedure.requirementsLead")), h("ul", { class: "requirements" }, (definition.requirements || []).map((requirement) => requirementItem(definition, requirement)))),
    part("deadline", t("preview.deadline"), deadlineBlock(report, definition)),
    part("fee", t("preview.fee"), feeCalculator(report, { answers, onAnswers })),
    part("sms", t("preview.sms"), smsList(report.sms || [])),
  );
  return panel;
}

function part(key, title, ...content) {
  const id = uid(`preview-${key}`);
  return h("section", { class: "preview-part", "aria-labelledby": id, dataset: { previewPart: key } }, h("h3", { id }, title), ...content);
}

// One screen: the apply page's first step as the citizen sees it, at the screen's width,
// scaled down to the room there is. It is a picture of the form: inert, nothing sends.
function screenFrame({ key, width }, detail) {
  const captionId = uid(`preview-${key}`);
  const page = h("div", { class: "preview-page", inert: true }, citizenForm(detail));
  // CSSOM, not a style attribute: the pages' Content-Security-Policy refuses inline styles.
  page.style.width = `${width}px`;
  const viewport = h("div", { class: "preview-viewport" }, page);
  const fit = () => {
    const scale = Math.min(1, viewport.clientWidth / width || 1);
    page.style.transform = scale < 1 ? `scale(${scale})` : "";
    viewport.style.height = `${Math.ceil(page.offsetHeight * scale)}px`;
    figure.dataset.scale = String(Math.round(scale * 100) / 100);
  };
  const figure = h(
    "figure",
    { class: "preview-screen", "aria-labelledby": captionId, dataset: { screen: key, width: String(width) } },
    h("figcaption", { id: captionId }, t(`preview.screen.${key}`, { width })),
    viewport,
  );
  if (typeof ResizeObserver === "function") {
    const observer = new ResizeObserver(fit);
    observer.observe(viewport);
    observer.observe(page);
  }
  return figure;
}

// What pages/apply.js draws for a first filing: progress, heading, the generated form and
// its buttons; the buttons do nothing here.
function citizenForm(detail) {
  const definition = detail.definition;
  const form = schemaForm(definition.form || {}, {}, { saved: false });
  return h(
    "div",
    { class: "wrap preview-apply" },
    stepper("data"),
    h("p", { class: "page-title" }, pick(definition.name)),
    h("p", { class: "lead" }, t("apply.lead")),
    detail.identity === "efirma" ? notice("info", h("p", {}, t("apply.efirmaNotice"))) : null,
    form.element,
    h("div", { class: "actions" }, button(t("apply.continue"), { tabindex: "-1" }), button(t("apply.saveDraft"), { kind: "secondary", tabindex: "-1" })),
    h("p", { class: "muted" }, t("apply.draftNote")),
  );
}

function deadlineBlock(report, definition) {
  const reviews = reviewSteps(definition);
  return [
    report.deadline ? h("p", { dataset: { deadlineDays: String(report.deadline.days) } }, h("strong", {}, pick(report.deadline.text))) : h("p", {}, t("procedure.noReview")),
    reviews.length ? h("ul", { class: "plain" }, reviews.map(([id, step]) => deadlineItem(definition, id, step))) : null,
  ];
}

// The form fields the fee's formula reads, by name (the missing ones too, whatever they are).
function formulaFields(report) {
  const definition = report?.procedure?.definition;
  const formula = String(definition?.fee?.formula || "");
  const names = Object.keys(definition?.form?.properties || {}).filter((name) => new RegExp(`(^|[^A-Za-z0-9_])${name}([^A-Za-z0-9_]|$)`).test(formula));
  for (const name of report?.fee?.missing || []) if (!names.includes(name)) names.push(name);
  return names;
}

export function feeCalculator(report, { answers = {}, onAnswers = () => {} } = {}) {
  const fee = report?.fee;
  const box = h("div", { class: "fee-calculator", dataset: { feeCalculator: "" } });
  if (!report?.valid) {
    const count = report?.problems?.length || 0;
    box.append(h("p", {}, count ? tn("preview.invalid", count) : t("preview.unavailable")));
    return box;
  }
  if (!fee) {
    box.append(h("p", {}, t("preview.feeNone")));
    return box;
  }
  const definition = report.procedure?.definition || {};
  const names = formulaFields(report);
  const properties = definition.form?.properties || {};
  const schemas = Object.fromEntries(names.map((name) => [name, properties[name] || { type: "string", title: name }]));
  // The formula's fields, drawn and checked by the apply page's form code.
  const form = schemaForm({ type: "object", properties: schemas, required: names }, answers);
  const amountId = uid("fee-amount");
  const amount = h(
    "output",
    { id: amountId, class: "fee-amount", "aria-live": "polite", dataset: { amount: fee.amount ?? "" } },
    fee.amount !== null && fee.amount !== undefined ? formatMoney(fee.amount, fee.currency || "MXN") : t("preview.feePending"),
  );
  const missing = fee.missing || [];
  const calculate = button(t("preview.feeCalculate"), { type: "submit" });
  const element = checkedForm(
    { class: "fee-form", "aria-describedby": amountId },
    () => {
      const { data, valid } = form.validate({ complete: false });
      if (!valid) return;
      const next = { ...answers };
      for (const name of names) {
        if (data[name] === undefined) delete next[name];
        else next[name] = data[name];
      }
      onAnswers(next);
    },
    definition.fee?.formula ? h("p", { class: "muted" }, t("preview.feeFormula", { formula: definition.fee.formula })) : null,
    names.length ? form.element : null,
    names.length ? h("div", { class: "actions" }, calculate) : null,
  );
  append(
    box,
    fee.concept ? h("p", {}, pick(fee.concept)) : null,
    element,
    h("p", { class: "fee-result" }, `${t("preview.feeAmount")}: `, amount),
    missing.length
      ? h(
          "p",
          { class: "fee-missing", dataset: { missing: missing.join(" ") } },
          t("preview.feeMissing", { fields: missing.map((name) => fieldTitle(properties[name], name)).join(", ") }),
        )
      : null,
  );
  keepFocus(box);
  return box;
}

// The editor draws a new calculator with each new report: the control the publisher was
// in keeps the focus (same field, or the button) once the new one is in the page, and
// the new amount is read out (a live region drawn anew is not).
function keepFocus(box) {
  const active = document.activeElement;
  const inOld = active?.closest?.("[data-fee-calculator]");
  if (!inOld || inOld === box) return;
  const field = active.closest("[data-field]")?.dataset.field;
  requestAnimationFrame(() => {
    if (!box.isConnected || inOld.isConnected) return;
    const target = (field && box.querySelector(`[data-field="${CSS.escape(field)}"] input, [data-field="${CSS.escape(field)}"] select`)) || box.querySelector("button[type=submit]");
    target?.focus();
    announce(box.querySelector(".fee-result")?.textContent || "");
  });
}

function smsList(messages) {
  if (!messages.length) return h("p", {}, t("preview.smsNone"));
  const ordered = [...messages].sort((a, b) => (a.language === lang() ? 0 : 1) - (b.language === lang() ? 0 : 1));
  return h(
    "ul",
    { class: "preview-sms" },
    ordered.map((message) =>
      h(
        "li",
        { dataset: { event: message.event, language: message.language, segments: String(message.segments) } },
        h("strong", {}, has(`sms.event.${message.event}`) ? t(`sms.event.${message.event}`) : message.event),
        ` · ${t(`preview.language.${message.language}`)} · `,
        h("span", { class: message.segments > 1 ? "sms-segments sms-segments-many" : "sms-segments" }, tn("preview.segments", message.segments), ` (${message.encoding})`),
        h("span", { class: "sms-text", lang: message.language }, message.text),
      ),
    ),
  );
}

