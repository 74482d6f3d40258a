// The SMS panel of an application: which phones get its messages, adding one more (a
// relative's) confirmed by a code sent to it, cancelling, and the delivery log.
//
// API: GET /me lists the citizen's subscriptions (phones masked); POST /subscriptions
// {application_id, phone, language} answers `confirmed` (the citizen's own phone) or
// `pending` (a code went to the phone); POST /subscriptions/{id}/confirm {code};
// DELETE /subscriptions/{id}; GET /applications/{id}/messages is the delivery log. The
// phone on the citizen's record gets the messages without subscribing (the API creates
// its subscription, origin "profile", with the first message). Opt-outs are not listed
// by the API: a STOP shows in the log, as the "opted_out" answer or a skipped message.
// GET /applications/{id}/sms-events says what the phones are texted about: `default`
// (always), `required` (legally due for this procedure), `chosen` by the holder from
// `on_request`; PUT with {events} replaces the choice.

import { del, get, post, put } from "./api.js";
import { append, clear, h } from "./dom.js";
import { errorMessage } from "./errors.js";
import { checkedForm, labelledField } from "./fields.js";
import { formatDateTime, formatNumber, has, lang, t, tn } from "./i18n.js";
import { moreButton, readPages } from "./more.js";
import { readPhone } from "./phone.js";
import { announce, button, formatPhone, notice, whileBusy } from "./ui.js";

const FINAL = new Set(["issued", "rejected", "withdrawn"]);
const MAX_PHONES = 2;
// Rows of the delivery log shown at first, and added by each "More".
const LOG_SHOWN = 50;
const STATUS_TONES = { queued: "info", sending: "info", sent: "success", failed: "danger", opted_out_skipped: "warning", rate_limited: "warning" };
const PHONE_FIELD_CODES = new Set(["invalid_phone", "phone_country_not_allowed"]);
const CODE_FIELD_CODES = new Set(["invalid_code", "wrong_code"]);
const CODE_GONE_CODES = new Set(["code_expired", "code_replaced", "too_many_attempts", "not_pending"]);

// As chalicelib/notifications/phones.py `mask` shows a phone: "+52 55 **** **78".
export function maskPhone(e164) {
  const phone = String(e164 || "");
  if (phone.startsWith("+52") && phone.length === 13) return `+52 ${phone.slice(3, 5)} **** **${phone.slice(-2)}`;
  return phone.slice(0, 3) + "*".repeat(Math.max(0, phone.length - 5)) + phone.slice(-2);
}

// The subscription is silenced by a STOP: the last message to its phone since it was
// confirmed is the answer to a STOP, or was skipped for one.  Messages are matched by
// subscription, not by the masked number: two phones may end in the same two digits.
function optedOut(subscription, messages) {
  if (subscription.status !== "confirmed") return false;
  const since = subscription.confirmed_at || subscription.created_at || "";
  const mine = (message) => (message.subscription_id ? message.subscription_id === subscription.id : message.phone === subscription.phone);
  const last = messages.filter((message) => mine(message) && String(message.created_at) >= since).at(-1);
  return Boolean(last && (last.status === "opted_out_skipped" || last.event === "opted_out" || last.event === "opted_out_all"));
}

const errorPrefixed = (message) => `${t("form.errorPrefix")} ${message}`;

// The events in the order an application meets them (the API sorts them by name).
const LIFECYCLE = [
  "submitted",
  "evidence_review",
  "in_review",
  "review_near_deadline",
  "changes_requested",
  "approved",
  "awaiting_payment",
  "payment_received",
  "issued",
  "rejected",
  "deemed_approved",
  "withdrawn",
  "appeal_filed",
  "appeal_confirmed",
  "appeal_revoked",
  "appeal_new_review",
  "error",
];
const inLifecycle = (events) => [...events].sort((a, b) => (LIFECYCLE.indexOf(a) >>> 0) - (LIFECYCLE.indexOf(b) >>> 0));

// What an event tells, in plain words; several events may tell the same (an appeal's
// three outcomes), and a list says it once.
function aboutList(events, name) {
  const said = [...new Set(inLifecycle(events).map((event) => (has(`sms.about.${event}`) ? t(`sms.about.${event}`) : t(`sms.event.${event}`))))];
  return h("ul", { class: "sms-always", dataset: { smsEvents: name } }, said.map((text) => h("li", {}, text)));
}

// Which texts this application's phones get: the default and the legally due ones as
// facts, the ones on request as checkboxes the holder saves.
function eventsChoice(application) {
  const area = h("div", { class: "sms-events", dataset: { smsChoice: "loading" }, "aria-busy": "true" }, h("p", { class: "muted" }, t("common.loading")));
  const path = `/applications/${encodeURIComponent(application.id)}/sms-events`;
  const draw = (events) => {
    const required = new Set(events.required || []);
    const optional = inLifecycle((events.on_request || []).filter((event) => !required.has(event)));
    const chosen = new Set(events.chosen || []);
    const message = h("div", { class: "sms-events-status", "aria-live": "polite" });
    const boxes = optional.map((event) => {
      const id = `sms-event-${event}`;
      return h(
        "div",
        { class: "choice" },
        h("input", { type: "checkbox", id, name: "sms-event", value: event, checked: chosen.has(event), "aria-describedby": `${id}-about` }),
        h("div", {}, h("label", { for: id }, t(`sms.event.${event}`)), h("p", { class: "hint", id: `${id}-about` }, t(`sms.about.${event}`))),
      );
    });
    const submit = button(t("sms.eventsSave"), { type: "submit", kind: "green" });
    const form = checkedForm(
      { class: "sms-events-form", "aria-labelledby": "sms-events-heading" },
      async () => {
        message.replaceChildren();
        const picked = [...form.querySelectorAll("input[name=sms-event]:checked")].map((input) => input.value);
        // a chosen event the law has since made due is sent anyway: keep it, the form does not show it
        const kept = [...chosen].filter((event) => required.has(event));
        await whileBusy(submit, async () => {
          try {
            const saved = await put(path, { events: [...picked, ...kept] });
            draw(saved);
            const done = area.querySelector(".sms-events-status");
            done.replaceChildren(notice("success", h("p", {}, t("sms.eventsSaved"))));
            done.querySelector(".notice")?.setAttribute("tabindex", "-1");
            done.querySelector(".notice")?.focus();
          } catch (error) {
            message.replaceChildren(notice("error", h("p", {}, errorMessage(error))));
          }
        });
      },
      optional.length ? h("fieldset", { class: "field" }, h("legend", { class: "label" }, t("sms.eventsChoose")), h("div", { class: "choices" }, boxes)) : null,
      message,
      optional.length ? h("div", { class: "actions" }, submit) : null,
    );
    area.dataset.smsChoice = "ready";
    clear(area);
    append(
      area,
      h("p", {}, t("sms.eventsAlways")),
      aboutList(events.default || [], "default"),
      required.size ? [h("p", {}, t("sms.eventsRequired")), aboutList(required, "required")] : null,
      form,
    );
  };
  get(path)
    .then(draw)
    .catch((error) => {
      area.dataset.smsChoice = "failed";
      area.replaceChildren(notice("error", h("p", {}, errorMessage(error))));
    })
    .finally(() => area.removeAttribute("aria-busy"));
  return append(h("div", {}, h("h3", { id: "sms-events-heading", class: "sms-events-heading" }, t("sms.eventsTitle"))), area);
}

// A phone input that says as people type whether the number reads as a Mexican mobile.
function phoneField(id) {
  const input = h("input", { type: "tel", id, name: "phone", class: "input-short", autocomplete: "off", inputmode: "tel", "aria-describedby": `${id}-hint ${id}-error ${id}-status` });
  const status = h("p", { class: "field-status", id: `${id}-status` });
  const { element, setError } = labelledField({ id, label: t("sms.addPhone"), hint: t("sms.phoneHint"), control: input, after: status, dataset: { field: "phone" }, format: errorPrefixed });
  // final: the person is done typing (left the field or sent the form).
  const check = (final) => {
    const read = readPhone(input.value);
    status.className = "field-status";
    status.textContent = "";
    if (read.phone) {
      setError(null);
      if (!read.foreign) {
        status.className = "field-ok";
        status.textContent = t("sms.phoneOk", { phone: formatPhone(read.phone) });
      }
      return read.phone;
    }
    setError(final || read.final ? t(`sms.phoneError.${read.problem}`, { n: formatNumber(read.n ?? 0) }) : null);
    return null;
  };
  input.addEventListener("input", () => check(false));
  input.addEventListener("blur", () => {
    if (input.value.trim()) check(true);
  });
  return { element, input, check, setError };
}

function codeForm(subscription, { onConfirm, onResend, onCancel }) {
  const id = `sms-code-${subscription.id}`;
  const input = h("input", {
    type: "text",
    id,
    name: "code",
    class: "input-short input-code",
    autocomplete: "one-time-code",
    inputmode: "numeric",
    maxlength: "7",
    "aria-describedby": `${id}-hint ${id}-error`,
  });
  const hint = subscription.code_expires_at ? t("sms.codeHint", { date: formatDateTime(subscription.code_expires_at) }) : t("confirm.codeHint");
  const { element: codeField, setError } = labelledField({ id, label: t("sms.code", { phone: subscription.phone }), hint, control: input, format: errorPrefixed });
  const submit = button(t("sms.confirm"), { type: "submit", kind: "green" });
  const form = checkedForm(
    { class: "sms-code" },
    async () => {
      const code = input.value.replace(/\s+/g, "");
      if (!/^[0-9]{6}$/.test(code)) {
        setError(t("confirm.codeInvalid"));
        input.focus();
        return;
      }
      setError(null);
      await whileBusy(submit, () => onConfirm(code, setError, input));
    },
    codeField,
    h(
      "div",
      { class: "actions" },
      submit,
      onResend ? button(t("sms.resend"), { kind: "secondary", onclick: (event) => whileBusy(event.currentTarget, onResend) }) : null,
      button(t("sms.cancelPending"), { kind: "secondary", onclick: (event) => whileBusy(event.currentTarget, onCancel) }),
    ),
  );
  return { form, input };
}

function logRow(message) {
  const when = message.status === "queued" && message.send_after ? t("sms.logQueuedUntil", { date: formatDateTime(message.send_after) }) : formatDateTime(message.sent_at || message.created_at);
  const status = STATUS_TONES[message.status] ? message.status : "unknown";
  return h(
    "tr",
    { dataset: { message: message.id, status: message.status } },
    h("td", { "data-label": t("sms.logWhen") }, when),
    h("td", { "data-label": t("sms.logEvent") }, t(has(`sms.event.${message.event}`) ? `sms.event.${message.event}` : "sms.event.other")),
    h("td", { "data-label": t("sms.logPhone") }, h("span", { class: "mono nowrap" }, message.phone)),
    h("td", { "data-label": t("sms.logStatus") }, h("span", { class: `tag tag-${STATUS_TONES[message.status] || "neutral"}` }, t(`sms.status.${status}`))),
    h("td", { "data-label": t("sms.logSegments"), class: "numeric" }, formatNumber(message.segments ?? 0)),
  );
}

// Newest first, LOG_SHOWN rows at a time: the whole log is already read (see loadLog), so
// "More" shows the older rows from it.
function deliveryLog(messages) {
  if (!messages.length) return h("p", { class: "muted", dataset: { smsLog: "empty" } }, t("sms.logEmpty"));
  const newest = [...messages].reverse();
  const rows = (from) => newest.slice(from, from + LOG_SHOWN).map(logRow);
  const body = h("tbody", {}, rows(0));
  const more = moreButton(
    body,
    async (from) => {
      const start = Number(from);
      return { nodes: rows(start), cursor: start + LOG_SHOWN < newest.length ? String(start + LOG_SHOWN) : null };
    },
    newest.length > LOG_SHOWN ? String(LOG_SHOWN) : null,
  );
  return h(
    "div",
    {},
    h(
      "div",
      { class: "table-wrap" },
      h(
        "table",
        { class: "responsive sms-log", dataset: { smsLog: "table" } },
        h("caption", { class: "visually-hidden" }, t("sms.logCaption")),
        h("thead", {}, h("tr", {}, ["sms.logWhen", "sms.logEvent", "sms.logPhone", "sms.logStatus", "sms.logSegments"].map((key) => h("th", { scope: "col", class: key === "sms.logSegments" ? "numeric" : null }, t(key))))),
        body,
      ),
    ),
    more,
  );
}

export function smsPanel(application) {
  const panel = h("section", { class: "panel sms-panel", "aria-labelledby": "sms-heading", dataset: { feature: "sms" } });
  const closed = FINAL.has(application.status);
  const status = h("div", { class: "sms-status", "aria-live": "polite" });
  const phonesList = h("ul", { class: "sms-phones", "aria-labelledby": "sms-phones-heading" });
  const addArea = h("div");
  const logArea = h("div", { "aria-busy": "true" }, h("p", { class: "muted" }, t("common.loading")));
  // What this page knows: the subscriptions of this application, the numbers typed here
  // (the API gives phones back masked; a new code needs the number), and the log.
  const subscriptions = new Map();
  const typed = new Map();
  let messages = [];
  let ownPhone = null;

  const say = (kind, text) => {
    status.replaceChildren(notice(kind, h("p", {}, text)));
  };

  // The phone on the account: the subscription made from the profile; failing one (the own
  // phone subscribed with a code after a STOP), the only one whose mask is the profile
  // phone's.  A mask alone never decides between two: a relative's number may end alike, and
  // the API lists subscriptions by number, so whichever sorts first would pass for the own.
  const ownOf = (items) => {
    const fromProfile = items.find((item) => item.origin === "profile");
    if (fromProfile || !ownPhone) return fromProfile || null;
    const alike = items.filter((item) => item.phone === maskPhone(ownPhone));
    return alike.length === 1 ? alike[0] : null;
  };

  const loadLog = async () => {
    try {
      // Read to its end, a page of 200 at a time: a phone's STOP shows in its last message,
      // and the API gives the log oldest first.
      messages = (await readPages(`/applications/${encodeURIComponent(application.id)}/messages?limit=200`, "messages")).items;
      logArea.replaceChildren(deliveryLog(messages));
    } catch (error) {
      logArea.replaceChildren(notice("error", h("p", {}, errorMessage(error))));
    }
    logArea.removeAttribute("aria-busy");
  };

  const subscribe = async (phone, language) => {
    const subscription = await post("/subscriptions", { application_id: application.id, phone, language });
    subscriptions.set(subscription.id, subscription);
    typed.set(subscription.id, phone);
    return subscription;
  };

  const cancel = async (subscription, own) => {
    try {
      const cancelled = await del(`/subscriptions/${encodeURIComponent(subscription.id)}`);
      subscriptions.set(subscription.id, { ...subscription, ...cancelled });
      say("success", own ? t("sms.ownCancelled") : t("sms.cancelled", { phone: subscription.phone }));
      draw();
      status.querySelector(".notice")?.setAttribute("tabindex", "-1");
      status.querySelector(".notice")?.focus();
    } catch (error) {
      say("error", errorMessage(error));
    }
    loadLog();
  };

  const confirmCode = (subscription) => async (code, setError, input) => {
    try {
      const confirmed = await post(`/subscriptions/${encodeURIComponent(subscription.id)}/confirm`, { code });
      subscriptions.set(subscription.id, { ...subscription, ...confirmed });
      say("success", t("sms.confirmed", { phone: confirmed.phone || subscription.phone }));
      draw();
      phonesList.querySelector(`[data-subscription="${CSS.escape(subscription.id)}"]`)?.focus();
    } catch (error) {
      if (CODE_FIELD_CODES.has(error.code)) {
        const left = /\((\d+) attempts? left\)/.exec(error.details?.[0]?.message || error.message || "");
        setError(left ? `${t("apiError.wrong_code")} ${tn("sms.attemptsLeft", Number(left[1]))}` : errorMessage(error));
        input.focus();
        return;
      }
      if (CODE_GONE_CODES.has(error.code)) setError(errorMessage(error));
      else say("error", errorMessage(error));
    }
    loadLog();
  };

  const resend = (subscription) => async () => {
    try {
      const renewed = await subscribe(typed.get(subscription.id), subscription.language || lang());
      say("success", t("sms.codeSent", { phone: renewed.phone }));
      draw();
      document.getElementById(`sms-code-${renewed.id}`)?.focus();
    } catch (error) {
      say("error", errorMessage(error));
    }
    loadLog();
  };

  const resubscribeOwn = async () => {
    try {
      const subscription = await subscribe(ownPhone, lang());
      say("success", subscription.status === "pending" ? t("sms.codeSent", { phone: subscription.phone }) : t("sms.ownBack"));
      draw();
      if (subscription.status === "pending") document.getElementById(`sms-code-${subscription.id}`)?.focus();
    } catch (error) {
      say("error", errorMessage(error));
    }
    loadLog();
  };

  function phoneItem(subscription, own) {
    const shown = own && ownPhone && (!subscription || subscription.phone === maskPhone(ownPhone)) ? formatPhone(ownPhone) : subscription.phone;
    const silenced = subscription ? optedOut(subscription, messages) : false;
    const state = !subscription ? "implicit" : silenced ? "opted_out" : subscription.status;
    const tones = { implicit: "success", confirmed: "success", pending: "warning", opted_out: "danger", cancelled: "neutral" };
    const item = h(
      "li",
      { class: "sms-phone", tabindex: "-1", dataset: { subscription: subscription?.id || "own", state, own: own ? "true" : "false" } },
      h("p", { class: "sms-phone-head" }, h("span", { class: "mono nowrap" }, shown), " ", h("strong", { class: `tag tag-${tones[state] || "neutral"}` }, t(`sms.state.${state}`))),
    );
    const actions = h("div", { class: "actions" });
    const describe = (key, vars) => item.append(h("p", {}, t(key, vars)));
    if (state === "implicit" || (own && state === "confirmed")) describe("sms.ownImplicit");
    else if (state === "confirmed") describe("sms.confirmedOn", { date: formatDateTime(subscription.confirmed_at) });
    else if (state === "cancelled") describe("sms.ownStopped");
    else if (state === "opted_out") describe(own ? "sms.ownOptedOut" : "sms.optedOut");
    if (state === "pending") {
      const { form } = codeForm(subscription, {
        onConfirm: confirmCode(subscription),
        onResend: typed.has(subscription.id) ? resend(subscription) : null,
        onCancel: () => cancel(subscription, own),
      });
      describe(typed.has(subscription.id) ? "sms.pending" : "sms.pendingRetype");
      item.append(form);
      return item;
    }
    if (own && (state === "cancelled" || state === "opted_out")) actions.append(button(t("sms.ownBackButton"), { kind: "green", onclick: (event) => whileBusy(event.currentTarget, resubscribeOwn) }));
    if (subscription && state !== "cancelled") actions.append(button(own ? t("sms.ownCancel") : t("sms.cancel"), { kind: "secondary", onclick: (event) => whileBusy(event.currentTarget, () => cancel(subscription, own)) }));
    if (actions.childElementCount) item.append(actions);
    return item;
  }

  function addForm(active) {
    if (active >= MAX_PHONES) return h("p", { class: "muted", dataset: { smsLimit: "true" } }, t("sms.limit", { n: formatNumber(MAX_PHONES) }));
    const phone = phoneField("sms-phone");
    const language = h(
      "select",
      { id: "sms-language", name: "language", class: "input-short" },
      ["es", "en"].map((code) => h("option", { value: code, selected: code === lang() }, t(`language.${code}`))),
    );
    const submit = button(t("sms.sendCode"), { type: "submit", kind: "green" });
    return checkedForm(
      { class: "sms-add", "aria-labelledby": "sms-add-heading" },
      async () => {
        const number = phone.check(true);
        if (!number) {
          phone.input.focus();
          return;
        }
        await whileBusy(submit, async () => {
          try {
            const subscription = await subscribe(number, language.value);
            say("success", subscription.status === "pending" ? t("sms.codeSent", { phone: subscription.phone }) : t("sms.confirmed", { phone: subscription.phone }));
            draw();
            if (subscription.status === "pending") document.getElementById(`sms-code-${subscription.id}`)?.focus();
          } catch (error) {
            if (PHONE_FIELD_CODES.has(error.code)) {
              phone.setError(errorMessage(error));
              phone.input.focus();
            } else {
              say("error", errorMessage(error));
            }
          }
          loadLog();
        });
      },
      h("h3", { id: "sms-add-heading" }, t("sms.addTitle")),
      h("p", {}, t("sms.addLead")),
      phone.element,
      h("div", { class: "field" }, h("label", { class: "label", for: "sms-language" }, t("sms.languageLabel")), language),
      h("div", { class: "actions" }, submit),
    );
  }

  function draw() {
    if (closed) return;
    const mine = [...subscriptions.values()];
    const own = ownOf(mine);
    const others = mine.filter((item) => item !== own && item.status !== "cancelled");
    const items = [];
    if (ownPhone || own) items.push(phoneItem(own, true));
    for (const item of others) items.push(phoneItem(item, false));
    phonesList.replaceChildren(...items);
    const ownActive = ownPhone && (!own || own.status !== "cancelled") ? 1 : 0;
    addArea.replaceChildren(addForm(ownActive + others.length));
  }

  append(
    panel,
    h("h2", { id: "sms-heading" }, t("sms.title")),
    h("p", {}, closed ? t("sms.leadClosed") : t("sms.lead")),
    closed ? null : [h("h3", { id: "sms-phones-heading", class: "visually-hidden" }, t("sms.phonesTitle")), phonesList, status, addArea, eventsChoice(application)],
    h("h3", { id: "sms-log-heading", class: "sms-log-heading" }, t("sms.logTitle")),
    h("p", { class: "muted" }, t("sms.logLead")),
    logArea,
    closed ? null : h("p", { class: "muted" }, t("sms.optOut")),
  );

  (async () => {
    const [record, listed] = await Promise.all([get("/me?limit=1").catch(() => null), get(`/applications/${encodeURIComponent(application.id)}/subscriptions?limit=200`).catch(() => null)]);
    ownPhone = readPhone(record?.profile?.phone).phone || null;
    for (const item of listed?.subscriptions || []) subscriptions.set(item.id, item);
    await loadLog();
    draw();
  })();
  return panel;
}
