// Call me back: the holder asks the agency holding the application to phone them (the phone on
// their record, or one they type), and the agency's officials see the open requests, earliest
// deadline first, each with the number to call and a form for what came of the call.

import { get, post } from "./api.js";
import { append, h } from "./dom.js";
import { errorMessage } from "./errors.js";
import { labelledField, checkedForm } from "./fields.js";
import { formatDateTime, t } from "./i18n.js";
import { moreButton, paged } from "./more.js";
import { refresh } from "./router.js";
import { button, formatPhone, notice, section, whileBusy } from "./ui.js";

// held by an agency and not ended: a call may be asked (POST /applications/{id}/callbacks)
export const CALLABLE = new Set(["submitted", "evidence_review", "in_review", "changes_requested", "awaiting_payment", "deemed_approved", "error"]);
const OUTCOMES = ["reached", "no_answer", "wrong_number"];

// The request still waiting for its call, as the trail tells: the last one asked and not answered.
function openRequest(events) {
  const answered = new Set(events.filter((event) => event.action === "callback.completed").map((event) => event.details?.callback_id));
  return [...events].reverse().find((event) => event.action === "callback.requested" && !answered.has(event.details?.callback_id)) || null;
}

export function callbackPanel(application, events) {
  const panel = h("section", { class: "panel", "aria-labelledby": "callback-heading", dataset: { feature: "callback" } }, h("h2", { id: "callback-heading" }, t("callback.title")));
  const waiting = openRequest(events);
  const requested = (deadline) => notice("success", h("p", { dataset: { callback: "requested" } }, t("callback.requested", { date: formatDateTime(deadline) })));
  if (waiting) return append(panel, requested(waiting.details?.deadline));
  const message = h("div", { "aria-live": "polite" });
  const phone = labelledField({ id: "callback-phone", label: [t("callback.phone"), h("span", { class: "optional" }, ` ${t("form.optional")}`)], hint: t("callback.phoneHint"), control: h("input", { id: "callback-phone", type: "tel", autocomplete: "tel-national", inputmode: "tel", class: "input-short", "aria-describedby": "callback-phone-hint callback-phone-error" }) });
  const note = h("textarea", { id: "callback-note", maxlength: "300", rows: "2", "aria-describedby": "callback-note-hint" });
  const send = button(t("callback.send"), { type: "submit", kind: "green" });
  const form = checkedForm(
    {},
    async () => {
      phone.setError("");
      await whileBusy(send, async () => {
        const body = {};
        if (phone.input.value.trim()) body.phone = phone.input.value.trim();
        if (note.value.trim()) body.note = note.value.trim();
        try {
          const answer = await post(`/applications/${encodeURIComponent(application.id)}/callbacks`, body);
          form.replaceWith(requested(answer.deadline));
        } catch (error) {
          const onPhone = (error.details || []).some((detail) => detail.field === "phone");
          if (onPhone) {
            phone.setError(errorMessage(error));
            phone.input.focus();
          } else message.replaceChildren(notice("error", h("p", {}, errorMessage(error))));
        }
      });
    },
    phone.element,
    h("div", { class: "field" }, h("label", { class: "label", for: "callback-note" }, t("callback.note"), h("span", { class: "optional" }, ` ${t("form.optional")}`)), h("p", { class: "hint", id: "callback-note-hint" }, t("callback.noteHint")), note),
    message,
    h("div", { class: "actions" }, send),
  );
  form.hidden = true;
  const open = button(t("callback.button"), { kind: "secondary", onclick: () => {
    open.hidden = true;
    form.hidden = false;
    phone.input.focus();
  } });
  return append(panel, h("p", { class: "muted" }, t("callback.lead")), open, form);
}

// The agency's open requests for a call, with the number and a form for the outcome.
export async function callbackQueue(agency) {
  const path = `/agencies/${encodeURIComponent(agency)}/callbacks`;
  let page;
  try {
    page = await get(path);
  } catch {
    return null;
  }
  const list = h("ul", { class: "callbacks" }, page.callbacks.map(callbackItem));
  const more = moreButton(
    list,
    async (cursor) => {
      const next = await get(paged(path, cursor));
      return { nodes: next.callbacks.map(callbackItem), cursor: next.next_cursor };
    },
    page.next_cursor,
  );
  return section(
    "callbacks",
    t("office.callbacks"),
    { class: "panel", dataset: { callbacks: "true" } },
    page.callbacks.length ? list : h("p", { class: "muted" }, t("office.callbacksNone")),
    more,
  );
}

function callbackItem(item) {
  const id = `outcome-${item.id}`;
  const message = h("div", { "aria-live": "polite" });
  const choice = h("select", { id, class: "input-short" }, OUTCOMES.map((outcome) => h("option", { value: outcome }, t(`callback.outcome.${outcome}`))));
  const note = h("input", { id: `${id}-note`, type: "text", maxlength: "300" });
  const save = button(t("office.callbackSave"), { type: "submit", kind: "green" });
  const overdue = new Date(item.deadline) <= new Date();
  const form = checkedForm(
    {},
    async () => {
      await whileBusy(save, async () => {
        try {
          await post(`/callbacks/${encodeURIComponent(item.id)}/outcome`, { outcome: choice.value, note: note.value.trim() });
          refresh();
        } catch (error) {
          message.replaceChildren(notice("error", h("p", {}, errorMessage(error))));
        }
      });
    },
    h("div", { class: "field" }, h("label", { class: "label", for: id }, t("office.callbackOutcome")), choice),
    h("div", { class: "field" }, h("label", { class: "label", for: `${id}-note` }, t("office.callbackNote")), note),
    message,
    h("div", { class: "actions" }, save),
  );
  return h(
    "li",
    { dataset: { callback: item.id, application: item.application_id } },
    h("p", {}, h("strong", {}, h("a", { href: `tel:${item.phone}`, class: "mono" }, formatPhone(item.phone))), " · ", h("span", { class: "mono" }, item.application_id), ` · ${t(`callback.language.${item.language}`)}`),
    h("p", {}, t("office.callbackBy", { date: formatDateTime(item.deadline) }), overdue ? [" ", h("strong", { class: "tag tag-danger" }, t("office.overdue"))] : null),
    item.note ? h("p", { class: "muted" }, `«${item.note}»`) : null,
    form,
  );
}
