// Evidence from the source, as people read it: what a registry (or a credential Ventanilla
// issued) answered for a requirement, where and when it was asked, and — before anything is
// used — the citizen's choice between those data and uploading the document instead.
//
// API shapes: application.evidence = {code: {source, registry, registry_name?, operation,
// state: fetched|not_found|mismatch|unavailable|approved|upload, values {field: value},
// fetched_at, exchange_id, reason? {es,en}, credential_id?}}; application.provenance =
// {"data.<field>": {registry, field, at, exchange_id}}; POST /applications/{id}/evidence
// {"use": {code: "registry"|"upload"}} while the status is evidence_review.

import { ApiError, post } from "./api.js";
import { h } from "./dom.js";
import { errorMessage } from "./errors.js";
import { formatDateTime, formatDay, formatNumber, has, pick, t } from "./i18n.js";
import { fieldTitle } from "./procedures.js";
import { button, facts, notice, section, whileBusy } from "./ui.js";
import { uploadBlock } from "./upload-block.js";

const USABLE = new Set(["fetched", "approved"]);
const CREDENTIAL = "ventanilla";

export function registryName(code, given) {
  if (given && pick(given)) return pick(given);
  return has(`registry.name.${code}`) ? t(`registry.name.${code}`) : code || "";
}

// A sentence about a source: `${key}` for a registry ({registry} named), `${key}Credential`
// for a credential Ventanilla issued.
function aboutSource(key, code, given, vars = {}) {
  return code === CREDENTIAL || !code ? t(`${key}Credential`, vars) : t(key, { registry: registryName(code, given), ...vars });
}

export function fieldLabel(name) {
  return has(`evidenceField.${name}`) ? t(`evidenceField.${name}`) : name;
}

export function formatValue(name, value) {
  if (value === null || value === undefined || value === "") return "—";
  if (typeof value === "boolean") return t(value ? "common.yes" : "common.no");
  if (name === "area_m2" && Number.isFinite(Number(value))) return `${formatNumber(Number(value))} m²`;
  if (/(_date|valid_until)$/.test(name) && typeof value === "string") return /^\d{4}-\d{2}-\d{2}$/.test(value) ? formatDay(value) : formatDateTime(value);
  if (name === "registered_at") return formatDateTime(value);
  return String(value);
}

export function valuesList(values) {
  const entries = Object.entries(values || {});
  if (!entries.length) return null;
  return facts(
    entries.map(([name, value]) => [fieldLabel(name), h("span", { dataset: { value: name } }, formatValue(name, value))]),
    "facts evidence-values",
  );
}

// "Del Catastro municipal, consultado el 3 dic 2026, 10:15."
export function sourceLine(entry) {
  const code = entry.source === "credential" ? CREDENTIAL : entry.registry;
  if (!entry.fetched_at) return aboutSource("evidence.source", code, entry.registry_name);
  return aboutSource("evidence.sourceAt", code, entry.registry_name, { date: formatDateTime(entry.fetched_at) });
}

// What the draft's documents step says instead of asking for an upload.
export function evidenceNote(requirement) {
  const source = requirement.evidence || {};
  return h(
    "section",
    { class: "upload upload-evidence", dataset: { requirement: requirement.code, evidence: source.registry || CREDENTIAL } },
    h("h3", {}, pick(requirement.name)),
    h("p", {}, aboutSource("evidence.willFetch", source.credential ? CREDENTIAL : source.registry)),
    h("p", { class: "hint" }, t("evidence.willFetchHint")),
  );
}

export function evidenceRequirements(definition, application) {
  const evidence = application.evidence || {};
  return (definition.requirements || []).filter((requirement) => requirement.evidence && evidence[requirement.code]);
}

// The citizen's review while the status is evidence_review: per requirement, what was taken
// and from where (or why it could not be), the choice, and the upload control; one
// "Confirmar" posts the decision.
export function evidenceReview(application, definition, { onConfirmed }) {
  const declared = Object.fromEntries((application.documents || []).map((doc) => [doc.requirement, doc]));
  const items = evidenceRequirements(definition, application).map((requirement) => reviewItem(application, requirement, declared[requirement.code]));
  const formError = h("div", { "aria-live": "assertive" });
  const confirm = button(t("evidence.confirm"), { type: "submit" });
  const form = h(
    "form",
    {
      novalidate: true,
      onsubmit: async (event) => {
        event.preventDefault();
        formError.replaceChildren();
        const problems = items.filter((item) => !item.check());
        if (problems.length) {
          formError.replaceChildren(notice("error", h("p", {}, t("evidence.fixSummary"))));
          problems[0].focus();
          return;
        }
        await whileBusy(confirm, async () => {
          const use = Object.fromEntries(items.map((item) => [item.code, item.choice()]));
          try {
            await post(`/applications/${encodeURIComponent(application.id)}/evidence`, { use });
            onConfirmed();
          } catch (error) {
            let shown = false;
            if (error instanceof ApiError) {
              for (const detail of error.details) {
                const code = String(detail.field || "").replace(/^(use|documents)\./, "");
                const item = items.find((candidate) => candidate.code === code);
                if (item) {
                  item.setError(/upload|declared|document/i.test(String(detail.message || "")) ? t("documents.error.missing") : t("evidence.error.choice"));
                  shown = true;
                }
              }
            }
            formError.replaceChildren(notice("error", h("p", {}, shown ? t("evidence.fixSummary") : errorMessage(error))));
          }
        });
      },
    },
    items.map((item) => item.element),
    formError,
    h("div", { class: "actions" }, confirm),
  );
  return section(
    "evidence",
    t("evidence.reviewTitle"),
    { class: "panel panel-accent", dataset: { feature: "evidence-review" } },
    h("p", {}, t("evidence.reviewLead")),
    form,
  );
}

function reviewItem(application, requirement, existing) {
  const code = requirement.code;
  const entry = application.evidence[code];
  const usable = USABLE.has(entry.state);
  const errorId = `evidence-${code}-error`;
  const error = h("p", { class: "field-error", id: errorId, hidden: true });
  const upload = uploadBlock(application, requirement, existing, true, () => setError(null));
  const radios = usable
    ? ["registry", "upload"].map((value) => {
        const id = `evidence-${code}-${value}`;
        const input = h("input", { type: "radio", id, name: `evidence-${code}`, value, "aria-describedby": errorId });
        input.addEventListener("change", () => {
          upload.block.hidden = value !== "upload";
          setError(null);
        });
        return { input, wrap: h("div", { class: "choice" }, input, h("label", { for: id }, t(value === "registry" ? "evidence.useRegistry" : "evidence.useUpload"))) };
      })
    : [];
  upload.block.hidden = usable;
  const element = h(
    "fieldset",
    { class: "evidence-item", dataset: { evidence: code, state: entry.state } },
    h("legend", {}, pick(requirement.name)),
    h("p", { class: "evidence-source" }, sourceLine(entry)),
    usable ? valuesList(entry.values) : null,
    entry.reason ? notice("warning", h("p", { dataset: { reason: code } }, pick(entry.reason))) : null,
    !usable && !entry.reason ? notice("warning", h("p", { dataset: { reason: code } }, t("evidence.notUsable"))) : null,
    error,
    radios.length ? h("div", { class: "choices" }, radios.map((radio) => radio.wrap)) : null,
    upload.block,
  );
  const setError = (message) => {
    error.hidden = !message;
    error.textContent = message ? `${t("form.errorPrefix")} ${message}` : "";
    element.classList.toggle("has-error", Boolean(message));
    for (const radio of radios) radio.input.setAttribute("aria-invalid", message ? "true" : "false");
  };
  const choice = () => (usable ? radios.find((radio) => radio.input.checked)?.input.value || null : "upload");
  return {
    code,
    element,
    choice,
    setError,
    focus: () => (radios.length && !choice() ? radios[0].input.focus() : upload.focus()),
    check() {
      const chosen = choice();
      if (!chosen) {
        setError(t("evidence.error.choose"));
        return false;
      }
      if (chosen === "upload" && !upload.isUploaded()) {
        setError(t("documents.error.missing"));
        return false;
      }
      setError(null);
      return true;
    },
  };
}

function stateText(entry) {
  const key = `evidence.state.${entry.state}`;
  return has(key) ? t(key) : t("evidence.state.other");
}

// What a registry says now, asked by the official in their own name (POST
// /reviews/{id}/evidence/{code}/check): whether it still matches what the application used.
function checkAtSource(reviewId, code) {
  const result = h("div", { "aria-live": "polite", dataset: { checked: code } });
  const check = button(t("provenance.check"), { kind: "secondary" });
  check.onclick = () =>
    whileBusy(check, async () => {
      try {
        const now = await post(`/reviews/${encodeURIComponent(reviewId)}/evidence/${encodeURIComponent(code)}/check`, {});
        result.replaceChildren(
          notice(
            now.same_as_used ? "success" : "warning",
            h("p", {}, t(now.same_as_used ? "provenance.checkSame" : "provenance.checkDiffers", { date: formatDateTime(now.fetched_at) })),
            now.reason ? h("p", {}, pick(now.reason)) : null,
            valuesList(now.values),
          ),
        );
      } catch (error) {
        result.replaceChildren(notice("error", h("p", {}, errorMessage(error))));
      }
    });
  return h("div", { class: "actions" }, check, result);
}

// Where each fact came from: every evidence item (registry, when, values, exchange id, and
// whether the citizen approved it or uploaded the document instead) and each form field
// filled from a registry. The official's review page (with ``reviewId``: each registry fact
// can be checked again at its source) and the citizen's application show it.
export function provenanceSection(application, definition, { reviewId } = {}) {
  const evidence = application.evidence || {};
  const provenance = application.provenance || {};
  const requirements = new Map((definition.requirements || []).map((requirement) => [requirement.code, requirement]));
  const codes = Object.keys(evidence);
  const fields = Object.entries(provenance);
  if (!codes.length && !fields.length) return null;
  const properties = definition.form?.properties || {};
  return section(
    "provenance",
    t("provenance.title"),
    { class: "panel", dataset: { feature: "provenance" } },
    h("p", { class: "muted" }, t("provenance.lead")),
    codes.length
      ? h(
          "ul",
          { class: "provenance-list" },
          codes.map((code) => {
            const entry = evidence[code];
            return h(
              "li",
              { dataset: { evidence: code, state: entry.state } },
              h("h3", {}, pick(requirements.get(code)?.name) || code),
              h("p", {}, sourceLine(entry)),
              h("p", {}, h("strong", { class: `tag tag-${entry.state === "approved" ? "success" : entry.state === "fetched" ? "info" : "warning"}` }, stateText(entry))),
              entry.reason ? h("p", { class: "event-reason" }, pick(entry.reason)) : null,
              USABLE.has(entry.state) || entry.state === "mismatch" ? valuesList(entry.values) : null,
              entry.exchange_id ? h("p", { class: "muted" }, `${t("provenance.exchange")}: `, h("span", { class: "mono", dataset: { exchange: entry.exchange_id } }, entry.exchange_id)) : null,
              reviewId && entry.source === "registry" ? checkAtSource(reviewId, code) : null,
            );
          }),
        )
      : null,
    fields.length
      ? [
          h("h3", {}, t("provenance.fields")),
          facts(
            fields.map(([path, source]) => {
              const name = path.replace(/^data\./, "");
              return [
                properties[name] ? fieldTitle(properties[name], name) : name,
                h(
                  "span",
                  { dataset: { provenance: path } },
                  aboutSource("provenance.fieldSource", source.registry, null, { date: formatDateTime(source.at) }),
                  source.exchange_id ? [h("br"), h("span", { class: "muted" }, `${t("provenance.exchange")}: `, h("span", { class: "mono" }, source.exchange_id))] : null,
                ),
              ];
            }),
          ),
        ]
      : null,
  );
}
