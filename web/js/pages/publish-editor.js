// The procedure editor: the definition (a plain JSON object) edited through tabs, each
// control bound to a JSON path in it; every change is checked by the API's own validator
// (POST /procedures/preview, ~300 ms after the last keystroke) and each problem is shown
// beside the control bound to its path and in a summary on top; the preview, the diagram and
// the fee calculator are redrawn from the same answer. "Save draft" keeps it as the
// lifecycle's next draft (POST /procedures/{code}/drafts).

import { ApiError, post } from "../api.js";
import { changesTable, diffBlock } from "../changes-view.js";
import { workflowDiagram } from "../editor/diagram.js";
import { feeCalculator, previewPanel } from "../editor/preview.js";
import { h, uid } from "../dom.js";
import { errorMessage } from "../errors.js";
import { fieldError } from "../fields.js";
import { t, tn } from "../i18n.js";
import { deleteAt, getAt, isObject, parsePath, pathText, render, setAt } from "../editor/model.js";
import { flash, navigate } from "../router.js";
import { button, notice, whileBusy } from "../ui.js";
import { catalogueTab, feeTab, formTab, requirementsTab, stepsTab } from "./publish-tabs.js";

const EDITING = ["catalogue", "form", "requirements", "fee", "steps"];
const TABS = [...EDITING, "json", "preview", "diagram", "changes"];
const BUILDERS = { catalogue: catalogueTab, form: formTab, requirements: requirementsTab, steps: stepsTab };
const WAIT_MS = 300;
const emptyLike = (value) => value === false || value === "" || value === null || (Array.isArray(value) && !value.length) || (isObject(value) && !Object.keys(value).length);

// Replaces a box's content, keeping the focus (and the caret) where it was when the control is drawn again.
function replaceKeepingFocus(box, ...content) {
  const active = document.activeElement;
  const inside = active && box.contains(active) ? active : null;
  const id = inside?.id;
  const caret = inside && typeof inside.selectionStart === "number" ? [inside.selectionStart, inside.selectionEnd] : null;
  box.replaceChildren(...content.filter(Boolean));
  if (!id) return;
  const again = box.querySelector(`#${CSS.escape(id)}`);
  if (!again) return;
  again.focus({ preventScroll: true });
  if (caret && typeof again.setSelectionRange === "function") again.setSelectionRange(...caret);
}

// ctx: the router's (state survives a language switch); definition: what to edit; pristine:
// what was opened (undoing a change gives it back exactly); draft: the saved draft, if any.
export function procedureEditor(ctx, { definition, pristine, draft = null }) {
  const state = ctx.state;
  if (!Object.hasOwn(state, "definition")) Object.assign(state, { definition, answers: {}, tab: "catalogue", dirty: false });
  const bindings = new Map();
  let building = null;
  let report = null;
  let timer = null;
  let controller = null;
  let asked = 0;

  const ed = {
    get definition() {
      return state.definition;
    },
    pristine,
    get: (segments) => getAt(state.definition, segments),
    set: (segments, value) => setAt(state.definition, segments, value),
    // An optional value cleared: its key goes, unless the definition had it empty already.
    clear(segments) {
      const before = getAt(pristine, segments);
      if (before !== undefined && emptyLike(before) && getAt(state.definition, segments.slice(0, -1)) !== undefined) setAt(state.definition, segments, structuredClone(before));
      else deleteAt(state.definition, segments);
    },
    bind(segments, binding) {
      bindings.set(pathText(segments), { ...binding, tab: building });
    },
    bindItem(segments, box, error, label, input = null) {
      const named = typeof label === "string" ? label : label.textContent;
      ed.bind(segments, { input: input || box.querySelector("input, select, textarea"), label: named, setError: fieldError(box, error, []) });
    },
    changed() {
      state.dirty = true;
      json.value = render(state.definition);
      setJsonError(null);
      schedule();
    },
    restructure({ focus } = {}) {
      const active = document.activeElement;
      const item = active?.closest?.("[data-item]")?.dataset.item;
      const action = active?.dataset?.action;
      const path = active?.dataset?.path;
      drawEditing();
      const target =
        (focus && main.querySelector(`[data-path="${CSS.escape(focus)}"]`)) ||
        (path && main.querySelector(`[data-path="${CSS.escape(path)}"]`)) ||
        (item && action && main.querySelector(`[data-item="${CSS.escape(item)}"] [data-action="${CSS.escape(action)}"]`)) ||
        panels[state.tab];
      target?.focus();
      ed.changed();
    },
  };

  // --- the parts of the page ---
  const main = h("div", { class: "editor" });
  const summary = h("div", { class: "error-summary", tabindex: "-1", hidden: true, "aria-labelledby": "editor-summary-title" });
  const status = h("p", { class: "editor-status", role: "status", dataset: { validation: "checking" } }, t("editor.status.checking"));
  const saveProblem = h("div", { class: "editor-save-problem" });
  const calculator = h("div", { class: "fee-calculator-box" });
  const previewBox = h("div", { class: "editor-preview-box" });
  const diagramBox = h("div", { class: "editor-diagram-box" });

  const jsonId = uid("ed");
  const json = h("textarea", { id: jsonId, class: "json-editor", rows: "30", spellcheck: "false", "aria-describedby": `${jsonId}-hint ${jsonId}-error` });
  json.dataset.path = "$";
  json.value = render(state.definition);
  const jsonError = h("p", { class: "field-error", id: `${jsonId}-error`, hidden: true });
  const jsonBox = h(
    "div",
    { class: "field" },
    h("label", { class: "label", for: jsonId }, t("editor.json.label")),
    h("p", { class: "hint", id: `${jsonId}-hint` }, t("editor.json.hint")),
    jsonError,
    json,
  );
  const setJsonError = fieldError(jsonBox, jsonError, json);
  json.addEventListener("input", () => {
    let parsed;
    try {
      parsed = JSON.parse(json.value);
    } catch (error) {
      clearTimeout(timer);
      controller?.abort();
      setJsonError(t("editor.json.invalid", { reason: String(error.message || "") }));
      setStatus("json", t("editor.status.json"));
      return;
    }
    state.definition = parsed;
    state.dirty = true;
    setJsonError(null);
    drawEditing();
    schedule();
  });

  const tabs = Object.fromEntries(
    TABS.map((name) =>
      [name, h("button", { type: "button", role: "tab", id: `editor-tab-${name}`, "aria-controls": `editor-panel-${name}`, class: "tab", dataset: { tab: name } }, h("span", {}, t(`editor.tab.${name}`)), " ", h("span", { class: "tab-count", hidden: true }))],
    ),
  );
  const panels = Object.fromEntries(TABS.map((name) => [name, h("div", { role: "tabpanel", id: `editor-panel-${name}`, "aria-labelledby": `editor-tab-${name}`, tabindex: "0", class: "tab-panel", dataset: { panel: name } })]));
  const tablist = h("div", { role: "tablist", class: "tabs", "aria-label": t("editor.tabs") }, Object.values(tabs));

  function select(name, { focusTab = false } = {}) {
    state.tab = name;
    for (const [other, tab] of Object.entries(tabs)) {
      const on = other === name;
      tab.setAttribute("aria-selected", String(on));
      tab.tabIndex = on ? 0 : -1;
      panels[other].hidden = !on;
    }
    if (focusTab) tabs[name].focus();
  }
  for (const [name, tab] of Object.entries(tabs)) tab.addEventListener("click", () => select(name));
  tablist.addEventListener("keydown", (event) => {
    const index = TABS.indexOf(state.tab);
    const next = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: TABS.length - 1 }[event.key];
    if (next === undefined) return;
    event.preventDefault();
    select(TABS[(next + TABS.length) % TABS.length], { focusTab: true });
  });

  // --- drawing ---
  function drawEditing() {
    for (const [key, binding] of bindings) if (EDITING.includes(binding.tab)) bindings.delete(key);
    for (const name of EDITING) {
      building = name;
      let content;
      try {
        content = !isObject(state.definition) ? [notice("warning", h("p", {}, t("editor.notAnObject")))] : name === "fee" ? feeTab(ed, calculator) : BUILDERS[name](ed);
      } catch (error) {
        // a shape the tab cannot draw (e.g. steps that are not an object): the JSON tab edits it
        console.warn(error);
        content = [notice("warning", h("p", {}, t("editor.cannotShow")))];
      }
      panels[name].replaceChildren(h("h2", { class: "visually-hidden" }, t(`editor.tab.${name}`)), ...content.flat().filter(Boolean));
    }
    building = null;
    if (report) showProblems(report.problems || []);
  }

  // What this edition changes against the published version, from the last check: the same
  // changes and diff a draft's page shows once it is saved.
  function drawChanges() {
    const content = [h("h2", {}, t("editor.changes.title"))];
    if (draft) content.push(h("p", {}, draft.base_version ? t("editor.changes.lead", { number: draft.number, version: draft.base_version }) : t("editor.changes.leadNew", { number: draft.number })));
    if (!report) content.push(notice("info", h("p", {}, t("editor.status.checking"))));
    else if (!report.changes.length) content.push(h("p", {}, t("editor.changes.none")));
    else content.push(h("p", { class: "hint" }, t("editor.changes.live")), changesTable(report.changes), report.diff.length ? diffBlock(report.diff) : null);
    panels.changes.replaceChildren(...content.filter(Boolean));
  }

  function drawReport() {
    const onAnswers = (answers) => {
      state.answers = { ...answers };
      schedule();
    };
    const options = () => ({ answers: state.answers, onAnswers });
    const invalid = (key) => notice("info", h("p", {}, t(key)));
    replaceKeepingFocus(calculator, feeCalculator(report, options()));
    replaceKeepingFocus(previewBox, previewPanel(report, options()));
    replaceKeepingFocus(diagramBox, report.diagram ? workflowDiagram(report.diagram) : invalid("editor.diagram.invalid"));
  }

  // --- checking ---
  function setStatus(kind, text) {
    status.dataset.validation = kind;
    status.textContent = text;
  }

  function schedule() {
    clearTimeout(timer);
    setStatus("checking", t("editor.status.checking"));
    timer = window.setTimeout(check, WAIT_MS);
  }

  async function check() {
    controller?.abort();
    controller = new AbortController();
    const mine = ++asked;
    let answer;
    try {
      answer = await post("/procedures/preview", { definition: state.definition, answers: state.answers }, { signal: controller.signal });
    } catch (error) {
      if (error?.name === "AbortError" || mine !== asked || !ctx.alive()) return;
      setStatus("failed", t("editor.status.failed", { reason: errorMessage(error) }));
      return;
    }
    if (mine !== asked || !ctx.alive()) return;
    report = answer;
    const problems = report.problems || [];
    showProblems(problems);
    setStatus(report.valid ? "valid" : "invalid", report.valid ? t("editor.status.valid") : tn("editor.status.problems", problems.length));
    drawChanges();
    drawReport();
  }

  function showProblems(problems) {
    for (const binding of bindings.values()) binding.setError(null);
    const found = new Map();
    const entries = [];
    for (const problem of problems) {
      let segments = parsePath(problem.path);
      while (segments.length && !bindings.has(pathText(segments))) segments = segments.slice(0, -1);
      const key = bindings.has(pathText(segments)) ? pathText(segments) : "$";
      const binding = bindings.get(key);
      if (!binding) continue;
      if (!found.has(key)) found.set(key, []);
      found.get(key).push(key === "$" ? `${problem.path}: ${problem.message}` : problem.message);
      entries.push({ binding, text: key === "$" ? `${problem.path}: ${problem.message}` : `${binding.label}: ${problem.message}` });
    }
    for (const [key, messages] of found) bindings.get(key).setError(messages.join(" · "));
    if (!found.has("$")) setJsonError(null);
    const perTab = {};
    for (const { binding } of entries) perTab[binding.tab] = (perTab[binding.tab] || 0) + 1;
    for (const [name, tab] of Object.entries(tabs)) {
      const count = tab.querySelector(".tab-count");
      count.hidden = !perTab[name];
      count.textContent = perTab[name] ? tn("editor.tabProblems", perTab[name]) : "";
    }
    summary.hidden = !entries.length;
    summary.replaceChildren(
      h("h2", { class: "error-summary-title", id: "editor-summary-title" }, tn("editor.summary", entries.length)),
      h(
        "ul",
        {},
        entries.map(({ binding, text }) =>
          h(
            "li",
            {},
            h(
              "a",
              {
                href: `#${binding.input?.id || jsonId}`,
                onclick: (event) => {
                  event.preventDefault();
                  select(binding.tab || "json");
                  (binding.input || json).focus();
                },
              },
              text,
            ),
          ),
        ),
      ),
    );
  }

  // --- saving ---
  async function save(control) {
    saveProblem.replaceChildren();
    if (jsonError.hidden === false && status.dataset.validation === "json") {
      saveProblem.append(notice("error", h("p", {}, t("editor.save.jsonInvalid"))));
      return;
    }
    const code = isObject(state.definition) && typeof state.definition.code === "string" ? state.definition.code : "";
    await whileBusy(control, async () => {
      try {
        const saved = await post(`/procedures/${encodeURIComponent(code || "-")}/drafts`, state.definition);
        flash(t("editor.save.saved", { number: saved.number }));
        navigate(`/publicar/${encodeURIComponent(saved.code)}/borradores/${saved.number}`);
      } catch (error) {
        if (!ctx.alive()) return;
        if (error instanceof ApiError && error.status === 401) throw error;
        const invalid = error instanceof ApiError && error.code === "invalid_definition";
        saveProblem.append(notice("error", h("p", {}, invalid ? t("editor.save.invalid") : errorMessage(error))));
        if (invalid) {
          clearTimeout(timer);
          await check();
          summary.focus();
        }
      }
    });
  }
  const saveButton = button(t("editor.save.button"), { kind: "primary", dataset: { action: "save" } });
  saveButton.addEventListener("click", () => save(saveButton));

  // --- together ---
  panels.json.append(h("h2", { class: "visually-hidden" }, t("editor.tab.json")), jsonBox);
  panels.preview.append(previewBox);
  panels.diagram.append(h("h2", {}, t("editor.diagram.title")), h("p", { class: "hint" }, t("editor.diagram.lead")), diagramBox);
  bindings.set("$", { input: json, label: t("editor.json.label"), setError: (message) => (message ? setJsonError(message) : null), tab: "json" });
  drawEditing();
  drawChanges();
  select(TABS.includes(state.tab) ? state.tab : "catalogue");
  main.append(summary, h("div", { class: "editor-bar" }, status, h("div", { class: "actions" }, saveButton)), saveProblem, tablist, ...Object.values(panels));
  ctx.onLeave(() => {
    clearTimeout(timer);
    controller?.abort();
  });
  // Closing or reloading the tab with unsaved edits asks first (the browser words the question).
  const keepEdits = (event) => {
    if (!state.dirty) return;
    event.preventDefault();
    event.returnValue = "";
  };
  window.addEventListener("beforeunload", keepEdits);
  ctx.onLeave(() => window.removeEventListener("beforeunload", keepEdits));
  check();
  return main;
}
