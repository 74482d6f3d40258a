// The procedure editor's controls: each one is bound to a JSON path of the definition it
// edits (the editor shows the validator's problems at that path beside it). Clearing an
// optional value removes its key, unless the definition had it empty to begin with.

import { h, uid } from "../dom.js";
import { fieldError } from "../fields.js";
import { t } from "../i18n.js";
import { pathText } from "../editor/model.js";

function describe(control, id, hint) {
  control.setAttribute("aria-describedby", [hint ? `${id}-hint` : null, `${id}-error`].filter(Boolean).join(" "));
}

// A labelled box (label, hint, error line, control) bound to `segments`.
function bound(ed, segments, label, control, { hint, extra = null, className = "" } = {}) {
  const id = control.id;
  describe(control, id, hint);
  control.dataset.path = pathText(segments);
  const error = h("p", { class: "field-error", id: `${id}-error`, hidden: true });
  const element = h(
    "div",
    { class: `field ${className}`.trim() },
    h("label", { class: "label", for: id }, label),
    hint ? h("p", { class: "hint", id: `${id}-hint` }, hint) : null,
    error,
    control,
    extra,
  );
  ed.bind(segments, { input: control, label, setError: fieldError(element, error, control) });
  return element;
}

const shownText = (value) => (value === undefined || value === null ? "" : typeof value === "string" ? value : JSON.stringify(value));

export function textControl(ed, segments, label, { hint, multiline = false, optional = false, mono = false, short = false } = {}) {
  const id = uid("ed");
  const value = ed.get(segments);
  const attrs = { id, class: [mono ? "input-mono" : "", short ? "input-short" : ""].join(" ").trim() || null, spellcheck: mono ? "false" : null };
  const control = multiline ? h("textarea", { ...attrs, rows: "3" }) : h("input", { ...attrs, type: "text", autocomplete: "off" });
  control.value = shownText(value);
  control.addEventListener("input", () => {
    if (optional && control.value === "") ed.clear(segments);
    else ed.set(segments, control.value);
    ed.changed();
  });
  return bound(ed, segments, label, control, { hint });
}

// A whole number: written as a number when it is one, as typed otherwise (the validator says why not).
export function integerControl(ed, segments, label, { hint, optional = false } = {}) {
  const id = uid("ed");
  const control = h("input", { id, type: "text", inputmode: "numeric", class: "input-short", autocomplete: "off" });
  control.value = shownText(ed.get(segments));
  control.addEventListener("input", () => {
    const typed = control.value.trim();
    if (optional && typed === "") ed.clear(segments);
    else ed.set(segments, /^-?\d{1,15}$/.test(typed) ? Number(typed) : control.value);
    ed.changed();
  });
  return bound(ed, segments, label, control, { hint });
}

// options: [[value, label], …]; a value the list lacks is kept and shown as it is.
export function selectControl(ed, segments, label, options, { hint, optional = false, onchange = null } = {}) {
  const id = uid("ed");
  const value = ed.get(segments);
  const all = [...options];
  if (value !== undefined && !all.some(([candidate]) => candidate === value)) all.push([value, shownText(value)]);
  const control = h(
    "select",
    { id },
    optional || value === undefined ? h("option", { value: "" }, t("editor.none")) : null,
    all.map(([candidate, text], index) => h("option", { value: String(index), selected: candidate === value }, text)),
  );
  control.addEventListener("change", () => {
    if (control.value === "") ed.clear(segments);
    else ed.set(segments, all[Number(control.value)][0]);
    if (onchange) onchange();
    else ed.changed();
  });
  return bound(ed, segments, label, control, { hint });
}

export function checkControl(ed, segments, label, { onchange = null } = {}) {
  const id = uid("ed");
  const control = h("input", { type: "checkbox", id, checked: ed.get(segments) === true });
  control.dataset.path = pathText(segments);
  const error = h("p", { class: "field-error", id: `${id}-error`, hidden: true });
  control.setAttribute("aria-describedby", `${id}-error`);
  const element = h("div", { class: "field field-check" }, error, h("div", { class: "choice" }, control, h("label", { for: id }, label)));
  control.addEventListener("change", () => {
    if (control.checked) ed.set(segments, true);
    else ed.clear(segments);
    if (onchange) onchange(control.checked);
    else ed.changed();
  });
  ed.bind(segments, { input: control, label, setError: fieldError(element, error, control) });
  return element;
}

// A list of strings, one a line (keywords, a field's options); an empty list removes the key.
export function linesControl(ed, segments, label, { hint, parse = (line) => line } = {}) {
  const id = uid("ed");
  const value = ed.get(segments);
  const control = h("textarea", { id, rows: "4" });
  control.value = Array.isArray(value) ? value.map(shownText).join("\n") : shownText(value);
  control.addEventListener("input", () => {
    const lines = control.value.split("\n").filter((line) => line.trim() !== "");
    if (!lines.length) ed.clear(segments);
    else ed.set(segments, lines.map(parse));
    ed.changed();
  });
  return bound(ed, segments, label, control, { hint });
}

// A text in Spanish and English ({es, en}); an optional one goes when both are emptied.
export function bilingualControl(ed, segments, label, { hint, multiline = false, optional = false } = {}) {
  const part = (language) => {
    const id = uid("ed");
    const inner = [...segments, language];
    const attrs = { id, lang: language };
    const control = multiline ? h("textarea", { ...attrs, rows: "3" }) : h("input", { ...attrs, type: "text", autocomplete: "off" });
    control.value = shownText(ed.get(inner));
    control.addEventListener("input", () => {
      ed.set(inner, control.value);
      const text = ed.get(segments);
      if (optional && text && !text.es && !text.en && Object.keys(text).length <= 2) ed.clear(segments);
      ed.changed();
    });
    return bound(ed, inner, `${label} (${t(`editor.language.${language}`)})`, control, { className: "field-half" });
  };
  const error = h("p", { class: "field-error", hidden: true });
  const group = h("fieldset", { class: "field bilingual" }, h("legend", {}, label), hint ? h("p", { class: "hint" }, hint) : null, error, h("div", { class: "bilingual-pair" }, part("es"), part("en")));
  ed.bind(segments, { input: group.querySelector("input, textarea"), label, setError: fieldError(group, error, []) });
  return group;
}

// A small button that edits the definition's structure (add, remove, move).
export function actionButton(label, onclick, { kind = "secondary", action, disabled = false, describedBy } = {}) {
  return h(
    "button",
    { type: "button", class: `button button-${kind} button-small`, onclick, disabled, dataset: action ? { action } : undefined, "aria-describedby": describedBy || null },
    label,
  );
}
