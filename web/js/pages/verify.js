// Public verification: what a QR code on a licence or permit opens. No sign-in; shows
// only what a checker needs (type, holder's initials, validity, issuing agency), and every
// signature behind the document — the applicant's e.firma on the filing (never their
// name), each official's on their resolution, the platform's seals — as the API checked
// them again.

import { ApiError, get, procedure, searchCatalogue } from "../api.js";
import { append, h } from "../dom.js";
import { checkedForm } from "../fields.js";
import { formatDay, formatInstant, pick, t } from "../i18n.js";
import { navigate } from "../router.js";
import { button, facts, notice, pageHeading, section, setTitle } from "../ui.js";

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

// Agency names for the officials who signed: the verdict names the issuing agency; the
// others are in the definitions of that agency's procedures (the catalogue is public).
async function agencyNames(result) {
  const names = new Map([[result.agency, pick(result.agency_name)]]);
  const wanted = (result.signatures || []).map((item) => item.agency).filter((code) => code && !names.has(code));
  if (!wanted.length) return names;
  try {
    const procedures = (await searchCatalogue({ agency: result.agency })).procedures || [];
    for (const item of procedures) {
      const definition = (await procedure(item.code)).definition;
      for (const [code, name] of Object.entries(definition.agencies || {})) if (!names.has(code)) names.set(code, pick(name));
      if (wanted.every((code) => names.has(code))) break;
    }
  } catch {
    /* the codes stand in for the names */
  }
  return names;
}

function signerCell(item, agencies) {
  if (item.signer === "holder") return h("span", {}, h("strong", {}, t("verify.signer.holder")), h("br"), h("span", { class: "muted" }, t("verify.signer.holderNote")));
  if (item.signer === "official")
    return h(
      "span",
      {},
      h("strong", { dataset: { name: "true" } }, item.name),
      item.position ? [h("br"), pick(item.position)] : null,
      item.agency ? [h("br"), h("span", { dataset: { agency: item.agency } }, agencies.get(item.agency) || item.agency)] : null,
    );
  return h("span", {}, h("strong", {}, t("verify.signer.platform")), h("br"), h("span", { class: "muted" }, t("verify.signer.platformNote")));
}

function resultCell(item) {
  const mark = h("strong", { class: `tag ${item.valid ? "tag-success" : "tag-danger"}` }, h("span", { "aria-hidden": "true" }, item.valid ? "✓ " : "✕ "), t(item.valid ? "verify.signatureOk" : "verify.signatureBad"));
  const problems = (item.problems || []).map((code) => h("li", {}, t(`verify.problem.${code}`)));
  return h("span", {}, mark, problems.length ? h("ul", { class: "plain" }, problems) : null);
}

function signaturesSection(signatures, agencies) {
  const columns = ["verify.col.what", "verify.col.signer", "efirma.serial", "verify.col.when", "verify.col.result"];
  const rows = signatures.map((item) =>
    h(
      "tr",
      { dataset: { signer: item.signer, what: item.what, valid: String(item.valid), ...(item.agency ? { agency: item.agency } : {}) } },
      h("td", { "data-label": t("verify.col.what") }, t(`verify.what.${item.what}`)),
      h("td", { "data-label": t("verify.col.signer") }, signerCell(item, agencies)),
      h("td", { "data-label": t("efirma.serial") }, item.serial ? h("span", { class: "mono" }, item.serial) : h("span", { class: "muted" }, t("verify.noCertificate"))),
      h("td", { "data-label": t("verify.col.when") }, formatInstant(item.at)),
      h("td", { "data-label": t("verify.col.result") }, resultCell(item)),
    ),
  );
  return section(
    "verify-signatures",
    t("verify.signaturesTitle"),
    { class: "panel" },
    h("p", {}, t("verify.signaturesLead")),
    h(
      "div",
      { class: "table-wrap" },
      h("table", { class: "responsive signatures" }, h("caption", {}, t("verify.signaturesCaption")), h("thead", {}, h("tr", {}, columns.map((key) => h("th", { scope: "col" }, t(key))))), h("tbody", {}, rows)),
    ),
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

  const signatures = result.signature === "valid" ? result.signatures || [] : [];
  const agencies = signatures.length ? await agencyNames(result) : null;

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
    signatures.length ? signaturesSection(signatures, agencies) : null,
    notice("info", h("p", {}, t("verify.howTo"))),
  );
}
