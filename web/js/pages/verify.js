// Public verification: what a QR code on a licence or permit opens. No sign-in; shows
// only what a checker needs (type, holder's initials, validity, issuing agency).

import { ApiError, get } from "../api.js";
import { append, h } from "../dom.js";
import { checkedForm } from "../fields.js";
import { formatDay, pick, t } from "../i18n.js";
import { navigate } from "../router.js";
import { button, facts, notice, pageHeading, setTitle } from "../ui.js";

function lookupForm(value = "") {
  const input = h("input", { type: "text", id: "document-id", class: "input-code", spellcheck: "false", autocomplete: "off", "aria-describedby": "document-id-hint document-id-error" });
  input.value = value;
  const error = h("p", { class: "field-error", id: "document-id-error", hidden: true });
  return checkedForm(
    { class: "panel" },
    () => {
      const id = input.value.trim();
      const ok = /^[\w-]{10,64}$/.test(id);
      error.hidden = ok;
      error.textContent = ok ? "" : t("verify.idInvalid");
      if (!ok) return input.focus();
      navigate(`/verificar/${encodeURIComponent(id)}`);
    },
    h("div", { class: "field" }, h("label", { class: "label", for: "document-id" }, t("verify.idLabel")), h("p", { class: "hint", id: "document-id-hint" }, t("verify.idHint")), error, input),
    button(t("verify.submit"), { type: "submit", kind: "green" }),
  );
}

function verdict(valid, heading, body) {
  return h(
    "section",
    { class: `verdict ${valid ? "verdict-valid" : "verdict-invalid"}`, role: "status", dataset: { valid: String(valid) } },
    h("span", { class: "verdict-mark", "aria-hidden": "true" }, valid ? "✓" : "✕"),
    h("div", {}, h("h2", {}, heading), body ? h("p", {}, body) : null),
  );
}

export async function render(view, ctx) {
  setTitle(t("verify.title"));
  const id = ctx.params.id;
  if (!id) {
    append(view, ...pageHeading(t("verify.title"), t("verify.lead")), lookupForm());
    return;
  }
  let result;
  try {
    result = await get(`/verify/${encodeURIComponent(id)}`, { anonymous: true });
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      append(view, ...pageHeading(t("verify.title")), verdict(false, t("verify.notFound"), t("verify.notFoundBody")), lookupForm(id));
      return;
    }
    throw error;
  }
  let block;
  if (result.valid) block = verdict(true, t("verify.valid"), t("verify.validBody"));
  else if (result.signature !== "valid") block = verdict(false, t("verify.forged"), t("verify.forgedBody"));
  else if (result.expired) block = verdict(false, t("verify.expired"), t("verify.expiredBody", { date: formatDay(result.valid_until) }));
  else block = verdict(false, t("verify.notCurrent"), t("verify.notCurrentBody", { date: formatDay(result.valid_from) }));

  append(view, 
    ...pageHeading(t("verify.title")),
    block,
    result.signature === "valid"
      ? h(
          "section",
          { class: "panel", "aria-labelledby": "verify-facts" },
          h("h2", { id: "verify-facts" }, t("verify.details")),
          facts([
            [t("verify.document"), pick(result.title)],
            [t("verify.holder"), result.holder_initials],
            [t("credential.validity"), t("credential.validityRange", { from: formatDay(result.valid_from), until: formatDay(result.valid_until) })],
            [t("verify.agency"), pick(result.agency_name)],
            [t("credential.number"), h("span", { class: "mono" }, result.document_id)],
            [t("verify.signature"), t("verify.signatureValid")],
          ]),
          result.deemed_approved ? h("p", {}, t("credential.deemed")) : null,
          h("p", { class: "muted" }, t("verify.privacy")),
        )
      : null,
    notice("info", h("p", {}, t("verify.howTo"))),
  );
}
