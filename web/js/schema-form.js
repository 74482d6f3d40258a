// The application form, generated from the procedure's JSON Schema (titles in Spanish,
// English in x-i18n.en) and validated in the browser with a JSON Schema library before
// the API validates it again. Errors show beside each field and in a summary on top.

import { Validator } from "../vendor/json-schema/index.js";
import { h, uid } from "./dom.js";
import { fieldMessage } from "./errors.js";
import { fieldError } from "./fields.js";
import { registryName } from "./evidence.js";
import { formatDateTime, pick, t } from "./i18n.js";
import { fieldDescription, fieldTitle } from "./procedures.js";

const AUTOCOMPLETE = { codigo_postal: "postal-code", domicilio: "street-address", telefono: "tel", correo: "email", email: "email", nombre: "name" };
const SCHEMA_ONLY = new Set(["title", "description", "x-i18n", "x-registry", "default", "examples"]);
// White space and the zero-width characters around an answer (as the API trims them:
// chalicelib/core/fields.py BLANK): an answer of these alone is no answer.
const BLANK_AROUND = /^[\s\u200b-\u200d\u2060]+|[\s\u200b-\u200d\u2060]+$/g;

export function stripped(text) {
  return text.replace(BLANK_AROUND, "");
}

function keywordsOnly(schema) {
  return Object.fromEntries(Object.entries(schema).filter(([name]) => !SCHEMA_ONLY.has(name)));
}

function messageFor(keyword, schema) {
  switch (keyword) {
    case "type":
      return t(schema.type === "integer" ? "form.error.integer" : schema.type === "number" ? "form.error.number" : "form.error.invalid");
    case "minLength":
      return t("form.error.minLength", { n: schema.minLength });
    case "maxLength":
      return t("form.error.maxLength", { n: schema.maxLength });
    case "pattern":
    case "format":
      return t("form.error.pattern");
    case "enum":
    case "const":
      return t("form.error.enum");
    case "minimum":
    case "exclusiveMinimum":
      return t("form.error.minimum", { n: schema.minimum ?? schema.exclusiveMinimum });
    case "maximum":
    case "exclusiveMaximum":
      return t("form.error.maximum", { n: schema.maximum ?? schema.exclusiveMaximum });
    case "multipleOf":
      return t("form.error.multipleOf", { n: schema.multipleOf });
    default:
      return t("form.error.invalid");
  }
}

// The first problem of one answer, as a sentence, or null.
export function problemOf(schema, value) {
  const result = new Validator(keywordsOnly(schema), "2020-12", true).validate(value);
  if (result.valid) return null;
  const error = result.errors.find((item) => item.keyword !== "properties") || result.errors[0];
  return messageFor(error.keyword, schema);
}

// registry: for fields a registry fills (`x-registry`), {provenance, prefill, saved}: a field
// with provenance is read-only with its source; before the draft exists it says it will be
// filled; when the registry could not be asked it is the citizen's to write.
export function schemaForm(form, values = {}, registry = {}) {
  const properties = form.properties || {};
  const required = new Set(form.required || []);
  const fields = new Map();
  const summary = h("div", { class: "error-summary", role: "alert", tabindex: "-1", hidden: true });

  for (const [name, schema] of Object.entries(properties)) {
    fields.set(name, schema["x-registry"] ? registryField(name, schema, required.has(name), values[name], registry) : buildField(name, schema, required.has(name), values[name]));
  }

  const element = h("div", { class: "schema-form" }, summary, [...fields.values()].map((item) => item.element));

  function collect() {
    const data = {};
    for (const [name, item] of fields) {
      const value = item.read();
      if (value !== undefined) data[name] = value;
    }
    return data;
  }

  // complete: also require the required fields (before submitting, not for a draft).
  function validate({ complete }) {
    const data = collect();
    const problems = [];
    for (const [name, item] of fields) {
      const value = data[name];
      let problem = null;
      if (value === undefined) {
        if (complete && required.has(name)) problem = item.schema.type === "boolean" ? t("form.error.choose") : t("form.error.required");
      } else {
        problem = problemOf(item.schema, value);
      }
      item.setError(problem);
      if (problem) problems.push({ name, message: problem });
    }
    showSummary(problems);
    return { data, valid: problems.length === 0 };
  }

  // Field problems the API reported ({field: "data.<name>", message}).
  function showServerErrors(details) {
    const problems = [];
    for (const item of fields.values()) item.setError(null);
    for (const detail of details || []) {
      const name = String(detail.field || "").replace(/^data\./, "");
      const item = fields.get(name);
      if (!item) continue;
      const message = fieldMessage(detail);
      item.setError(message);
      problems.push({ name, message });
    }
    showSummary(problems);
    return problems.length > 0;
  }

  function showSummary(problems) {
    summary.replaceChildren();
    if (!problems.length) {
      summary.hidden = true;
      return;
    }
    summary.hidden = false;
    summary.append(
      h("h2", { class: "error-summary-title" }, t("form.errorSummary")),
      h(
        "ul",
        {},
        problems.map(({ name, message }) =>
          h(
            "li",
            {},
            h(
              "a",
              {
                href: `#${fields.get(name).controlId}`,
                onclick: (event) => {
                  event.preventDefault();
                  fields.get(name).focus();
                },
              },
              `${fieldTitle(fields.get(name).schema, name)}: ${message}`,
            ),
          ),
        ),
      ),
    );
    summary.focus();
  }

  return { element, collect, validate, showServerErrors };
}

function registryField(name, schema, isRequired, typed, { provenance = {}, prefill = null, saved = false, data = {} }) {
  const source = provenance?.[`data.${name}`];
  const value = source ? data?.[name] : typed;
  const registry = registryName(source?.registry || schema["x-registry"].registry);
  if (!source && saved) {
    // The registry could not be asked (or does not know the person): the citizen writes it.
    const item = buildField(name, schema, isRequired, value);
    item.element.append(h("p", { class: "hint registry-note", dataset: { registryNote: "unavailable" } }, prefill?.reason ? pick(prefill.reason) : t("form.registryUnavailable", { registry })));
    return item;
  }
  const id = uid(`f-${name}`);
  const noteId = `${id}-source`;
  const description = fieldDescription(schema);
  const control = h("input", { id, type: "text", readonly: true, class: "input-readonly", "aria-describedby": noteId });
  control.value = source ? String(value ?? "") : "";
  const note = h(
    "p",
    { class: "hint registry-note", id: noteId, dataset: { registryNote: source ? "filled" : "pending" } },
    source ? t("form.registryFilled", { registry, date: formatDateTime(source.at) }) : t("form.registryPending", { registry }),
    description ? ` ${description}` : "",
  );
  const element = h("div", { class: "field field-registry", dataset: { field: name, registry: schema["x-registry"].registry } }, h("label", { class: "label", for: id }, fieldTitle(schema, name)), note, control);
  return { element, schema, read: () => undefined, focus: () => control.focus(), setError: () => {}, controlId: id };
}

function buildField(name, schema, isRequired, value) {
  const id = uid(`f-${name}`);
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const description = fieldDescription(schema);
  const title = fieldTitle(schema, name);
  const optional = isRequired ? null : h("span", { class: "optional" }, ` ${t("form.optional")}`);
  const hint = description ? h("p", { class: "hint", id: hintId }, description) : null;
  const error = h("p", { class: "field-error", id: errorId, hidden: true });
  const describedBy = [hint ? hintId : null, errorId].filter(Boolean).join(" ");
  let element;
  let read;
  let focus;
  let controls = [];

  if (schema.type === "boolean" && isRequired) {
    const radios = [true, false].map((option) => {
      const radioId = `${id}-${option ? "yes" : "no"}`;
      const input = h("input", { type: "radio", id: radioId, name: id, value: String(option), checked: value === option });
      return { input, wrap: h("div", { class: "choice" }, input, h("label", { for: radioId }, t(option ? "common.yes" : "common.no"))) };
    });
    controls = radios.map((radio) => radio.input);
    element = h(
      "fieldset",
      { class: "field", "aria-describedby": describedBy, dataset: { field: name } },
      h("legend", { class: "label" }, title, optional),
      hint,
      error,
      h(
        "div",
        { class: "choices choices-inline" },
        radios.map((radio) => radio.wrap),
      ),
    );
    read = () => {
      const chosen = controls.find((input) => input.checked);
      return chosen ? chosen.value === "true" : undefined;
    };
    focus = () => controls[0].focus();
  } else if (schema.type === "boolean") {
    const input = h("input", { type: "checkbox", id, checked: value === undefined ? schema.default === true : value === true, "aria-describedby": describedBy });
    controls = [input];
    element = h("div", { class: "field", dataset: { field: name } }, error, h("div", { class: "choice" }, input, h("label", { for: id }, title, optional)), hint);
    read = () => input.checked;
    focus = () => input.focus();
  } else {
    let control;
    if (Array.isArray(schema.enum)) {
      control = h(
        "select",
        { id, "aria-describedby": describedBy },
        h("option", { value: "" }, t("form.select")),
        schema.enum.map((option) => h("option", { value: String(option), selected: value !== undefined && String(value) === String(option) }, String(option))),
      );
    } else if (schema.type === "string" && (schema.maxLength || 0) > 120) {
      control = h("textarea", { id, rows: "3", maxlength: schema.maxLength, "aria-describedby": describedBy, autocomplete: AUTOCOMPLETE[name] || "off" });
      control.value = value ?? "";
    } else {
      const numeric = schema.type === "integer" || (schema.type === "string" && /^\^?\[0-9\]\{\d+\}\$?$|^\^?\\d\{\d+\}\$?$/.test(schema.pattern || ""));
      control = h("input", {
        id,
        type: "text",
        inputmode: schema.type === "number" ? "decimal" : numeric ? "numeric" : null,
        maxlength: schema.maxLength,
        autocomplete: AUTOCOMPLETE[name] || "off",
        spellcheck: numeric ? "false" : null,
        "aria-describedby": describedBy,
        class: numeric ? "input-short" : null,
      });
      control.value = value ?? "";
    }
    controls = [control];
    element = h("div", { class: "field", dataset: { field: name } }, h("label", { class: "label", for: id }, title, optional), hint, error, control);
    read = () => {
      const raw = stripped(control.value);
      if (raw === "") return undefined;
      if (schema.type === "integer") return /^-?\d+$/.test(raw) ? Number(raw) : raw;
      if (schema.type === "number") {
        const normalised = raw.replace(",", ".");
        return /^-?\d+(\.\d+)?$/.test(normalised) ? Number(normalised) : raw;
      }
      return raw;
    };
    focus = () => control.focus();
  }

  const showError = fieldError(element, error, controls);
  const setError = (message) => {
    showError(message);
    if (message) error.prepend(h("span", { class: "visually-hidden" }, `${t("form.errorPrefix")} `));
  };

  return { element, schema, read, focus, setError, controlId: controls[0].id };
}
