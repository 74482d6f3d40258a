// The issued licence or permit, printable, with the QR code that opens its public
// verification, and its signed PDF to download.

import { get, procedure } from "../api.js";
import { append, h } from "../dom.js";
import { downloadButton } from "../download.js";
import { formatDateTime, formatDay, pick, t } from "../i18n.js";
import { fieldTitle, formatAnswer } from "../procedures.js";
import { breadcrumbs, facts, linkButton, notice, pageHeading, printButton, setTitle } from "../ui.js";

// The API's QR code is inline SVG (no namespace, fixed size); as an <img> it needs both
// a namespace and a viewBox to scale. An <img> never runs scripts, whatever the SVG holds.
export function qrImageSource(svg) {
  let markup = String(svg || "");
  if (!/^<svg[\s>]/.test(markup)) return "";
  if (!/\sxmlns=/.test(markup.slice(0, markup.indexOf(">")))) markup = markup.replace("<svg", '<svg xmlns="http://www.w3.org/2000/svg"');
  const size = /<svg[^>]*\swidth="(\d+)"[^>]*\sheight="(\d+)"/.exec(markup);
  if (size && !/\sviewBox=/.test(markup.slice(0, markup.indexOf(">")))) markup = markup.replace("<svg", `<svg viewBox="0 0 ${size[1]} ${size[2]}"`);
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(markup)}`;
}

export async function render(view, ctx) {
  const credential = await get(`/documents/${encodeURIComponent(ctx.params.id)}`);
  const payload = credential.payload || {};
  const title = pick(payload.title);
  setTitle(title);
  const definition = await procedure(payload.procedure)
    .then((detail) => detail.definition)
    .catch(() => null);
  const properties = definition?.form?.properties || {};
  const data = payload.data || {};
  const answers = Object.entries(properties)
    .filter(([name]) => Object.hasOwn(data, name))
    .map(([name, schema]) => [fieldTitle(schema, name), formatAnswer(schema, data[name])]);
  const qr = qrImageSource(credential.qr_svg);

  append(view, 
    breadcrumbs([
      [t("nav.record"), "#/mi-expediente"],
      [title, null],
    ]),
    ...pageHeading(title, t("credential.lead")),
    credential.signature_valid ? null : notice("error", h("p", {}, t("credential.signatureInvalid"))),
    h(
      "article",
      { class: "credential", "aria-labelledby": "credential-title", dataset: { document: credential.id } },
      h(
        "header",
        { class: "credential-head" },
        h("div", {}, h("p", { class: "muted" }, pick(payload.agency_name)), h("h2", { id: "credential-title", class: "credential-title" }, title)),
        h("span", { class: "brand-mark", "aria-hidden": "true" }, "V"),
      ),
      h(
        "div",
        { class: "credential-body" },
        h(
          "div",
          {},
          facts([
            [t("credential.holder"), payload.holder_name || payload.holder_initials],
            [t("credential.number"), h("span", { class: "mono" }, credential.id)],
            [t("credential.validity"), t("credential.validityRange", { from: formatDay(payload.valid_from), until: formatDay(payload.valid_until) })],
            [t("credential.issuedAt"), formatDateTime(payload.issued_at)],
            [t("application.folio"), h("span", { class: "mono" }, credential.application_id)],
            ...answers,
          ]),
          payload.deemed_approved ? h("p", { class: "notice notice-info" }, t("credential.deemed")) : null,
        ),
        h(
          "figure",
          { class: "credential-qr" },
          h("img", { src: qr, alt: t("credential.qrAlt"), width: "176", height: "176" }),
          h("figcaption", {}, t("credential.qrCaption"), h("br"), h("span", { class: "mono small" }, credential.verify_url)),
        ),
      ),
      h("p", { class: "muted small" }, t("credential.signed", { algorithm: credential.algorithm || "" })),
    ),
    h(
      "div",
      { class: "actions no-print" },
      printButton(),
      downloadButton(t("credential.download"), `/documents/${encodeURIComponent(credential.id)}/pdf`, `${credential.id}.pdf`),
      linkButton(t("credential.verifyNow"), `#/verificar/${encodeURIComponent(credential.id)}`, "secondary"),
    ),
  );
}
