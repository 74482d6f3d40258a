// The e.firma form of every page that signs: the .cer and the .key from the person's device,
// the key's password and a Sign button. The key is opened and used inside this closure
// (efirma.js) and dropped once the text is signed; the password field is emptied. What
// leaves the panel, through onSigned, is the certificate and the signature, both base64.
//
//   efirmaPanel({ id, text, onSigned, submitLabel })
//     text: the text to sign, or an async function giving it (called once the key has
//           opened, so a challenge is not spent on a mistyped password);
//     onSigned({ certificate, signature, text, holder }): sends them; an ApiError it throws
//           is shown in the panel (on the certificate field when the API names that field);
//           false means the page took the person elsewhere to fix something (not signed).

import { ApiError } from "./api.js";
import { h } from "./dom.js";
import { EfirmaError, certificateInfo, loadForge, readFile, readFiles, sign, toBase64, unlock } from "./efirma.js";
import { errorMessage } from "./errors.js";
import { checkedForm, labelledField } from "./fields.js";
import { formatDate, t } from "./i18n.js";
import { announce, button, facts, notice, whileBusy } from "./ui.js";

const errorPrefixed = (message) => `${t("form.errorPrefix")} ${message}`;

function fileField(id, kind) {
  const input = h("input", {
    type: "file",
    id,
    name: kind,
    class: "file-input",
    accept: kind === "certificate" ? ".cer" : ".key",
    "aria-describedby": `${id}-hint ${id}-error ${id}-status`,
  });
  const status = h("div", { class: "field-status", id: `${id}-status` });
  const chooser = h("label", { class: "button button-secondary file-label", for: id }, t("efirma.choose"));
  const field = labelledField({
    id,
    label: t(`efirma.label.${kind}`),
    hint: t(`efirma.hint.${kind}`),
    control: input,
    after: [chooser, status],
    dataset: { field: kind },
    format: errorPrefixed,
  });
  return { ...field, status, file: () => input.files?.[0] || null };
}

function holderFacts(holder) {
  return facts(
    [
      [t("efirma.holder"), holder.name],
      [t("efirma.rfc"), h("span", { class: "mono" }, holder.rfc)],
      [t("efirma.curp"), holder.curp ? h("span", { class: "mono" }, holder.curp) : null],
      [t("efirma.representative"), holder.representativeCurp ? h("span", { class: "mono" }, [holder.representativeRfc, holder.representativeCurp].filter(Boolean).join(" / ")) : null],
      [t("efirma.serial"), h("span", { class: "mono" }, holder.serial)],
      [t("efirma.validUntil"), formatDate(holder.validUntil.toISOString())],
    ],
    "facts efirma-holder",
  );
}

// A certificate outside its validity cannot sign: say so before the server does.
function validityProblem(holder, now = new Date()) {
  if (holder.validUntil < now) return t("efirma.error.certificate_expired", { date: formatDate(holder.validUntil.toISOString()) });
  if (holder.validFrom > now) return t("efirma.error.certificate_not_yet_valid", { date: formatDate(holder.validFrom.toISOString()) });
  return null;
}

export function efirmaPanel({ id = "efirma", text, onSigned, submitLabel = null }) {
  // Start fetching the key reader now: the person is about to pick their files.
  loadForge().catch(() => {});
  const certificate = fileField(`${id}-cer`, "certificate");
  const key = fileField(`${id}-key`, "key");
  const passwordInput = h("input", {
    type: "password",
    id: `${id}-password`,
    name: "efirma-password",
    autocomplete: "off",
    spellcheck: "false",
    "aria-describedby": `${id}-password-hint ${id}-password-error`,
  });
  const password = labelledField({
    id: `${id}-password`,
    label: t("efirma.password"),
    hint: t("efirma.passwordHint"),
    control: passwordInput,
    dataset: { field: "password" },
    format: errorPrefixed,
  });
  const problem = h("div", { class: "efirma-problem" });
  const submit = button(submitLabel || t("efirma.sign"), { type: "submit", kind: "primary" });
  const fields = { certificate, key, password };

  const showProblem = (message) => problem.replaceChildren(message ? notice("error", h("p", {}, message)) : "");
  const clearErrors = () => {
    for (const field of Object.values(fields)) field.setError(null);
    showProblem(null);
  };
  const fail = (field, message) => {
    fields[field].setError(message);
    fields[field].input.focus();
  };

  certificate.input.addEventListener("change", async () => {
    certificate.setError(null);
    certificate.status.replaceChildren();
    const file = certificate.file();
    if (!file) return;
    try {
      const holder = await certificateInfo(await readFile(file, "certificate"));
      certificate.status.replaceChildren(h("p", { class: "field-ok" }, `✓ ${file.name}`), holderFacts(holder));
      certificate.setError(validityProblem(holder));
    } catch (error) {
      if (!(error instanceof EfirmaError)) throw error;
      certificate.setError(t(`efirma.error.${error.code}`));
    }
  });
  key.input.addEventListener("change", () => {
    key.setError(null);
    const file = key.file();
    key.status.replaceChildren(file ? h("p", { class: "field-ok" }, `✓ ${file.name}`) : "");
  });

  async function signNow() {
    clearErrors();
    const missing = [
      ["certificate", !certificate.file(), "certificate_missing"],
      ["key", !key.file(), "key_missing"],
      ["password", !passwordInput.value, "password_missing"],
    ].filter(([, absent]) => absent);
    for (const [field, , code] of missing) fields[field].setError(t(`efirma.error.${code}`));
    if (missing.length) {
      fields[missing[0][0]].input.focus();
      return;
    }
    let files;
    let holder;
    let privateKey;
    try {
      files = await readFiles(certificate.file(), key.file());
      holder = await certificateInfo(files.certificate);
      const invalid = validityProblem(holder);
      if (invalid) {
        fail("certificate", invalid);
        return;
      }
      privateKey = await unlock(files.key, passwordInput.value, files.certificate);
    } catch (error) {
      if (!(error instanceof EfirmaError)) throw error;
      fail(error.field, t(`efirma.error.${error.code}`));
      return;
    } finally {
      files?.key.fill(0);
    }
    let signed;
    try {
      const message = typeof text === "function" ? await text() : text;
      signed = { certificate: toBase64(files.certificate), signature: await sign(privateKey, message), text: message, holder };
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      showProblem(errorMessage(error));
      return;
    } finally {
      privateKey = null;
    }
    passwordInput.value = "";
    try {
      if ((await onSigned(signed)) !== false) announce(t("efirma.signed"));
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      // "certificate", or "efirma.certificate" where the signature is part of a larger body
      const onCertificate = error.details.some((detail) => /(^|\.)certificate$/.test(String(detail?.field || "")));
      if (onCertificate) fail("certificate", errorMessage(error));
      else showProblem(errorMessage(error));
    }
  }

  const element = checkedForm(
    { class: "efirma-panel", id, "aria-describedby": `${id}-private` },
    () => whileBusy(submit, signNow),
    h("p", { class: "hint", id: `${id}-private` }, t("efirma.private")),
    certificate.element,
    key.element,
    password.element,
    problem,
    h("div", { class: "actions" }, submit),
  );
  return { element, focus: () => certificate.input.focus() };
}
