// The procedure editor's tabs that edit the definition: catalogue, form, requirements, fee
// and steps. Each builds its controls from the definition (`ed.definition`) and lists the
// keys it does not edit, which stay in the definition as they are (the JSON tab edits them).

import { h, uid } from "../dom.js";
import { pick, t } from "../i18n.js";
import { deleteAt, freeKey, getAt, isObject, move, pathText, renameKey, setAt } from "../editor/model.js";
import { actionButton, bilingualControl, checkControl, integerControl, linesControl, selectControl, textControl } from "./publish-controls.js";

const TOPICS = ["identidad", "vehiculos", "construccion", "empresas", "salud", "educacion", "trabajo", "impuestos", "vivienda", "medio-ambiente", "seguridad", "social"];
const CONTENT_TYPES = ["application/pdf", "image/jpeg", "image/png"];
const STEP_TYPES = ["review", "parallel", "payment", "issue", "check", "choice"];
const SILENCE = ["afirmativa_ficta", "negativa_ficta", "escalate"];
const FIELD_TYPES = ["string", "integer", "number", "boolean"];

// "Kept as they are": the paths under `segments` whose keys this tab does not edit.
function kept(segments, value, edited) {
  if (!isObject(value)) return [];
  return Object.keys(value)
    .filter((key) => !edited.includes(key))
    .map((key) => pathText([...segments, key]));
}

export function keptNote(paths) {
  if (!paths.length) return null;
  return h(
    "div",
    { class: "notice notice-info kept-keys", dataset: { kept: String(paths.length) } },
    h("p", {}, h("strong", {}, t("editor.kept.title")), " ", t("editor.kept.body")),
    h("ul", { class: "kept-list" }, paths.map((path) => h("li", {}, h("code", {}, path)))),
  );
}

function itemBox(ed, segments, legend, ...content) {
  const error = h("p", { class: "field-error", hidden: true });
  const box = h("fieldset", { class: "editor-item", dataset: { item: pathText(segments) } }, h("legend", {}, legend), error, ...content);
  ed.bindItem(segments, box, error, legend);
  return box;
}

function moveButtons(ed, container, key, describedBy) {
  return h(
    "div",
    { class: "item-actions" },
    actionButton(t("editor.moveUp"), () => move(container, key, -1) && ed.restructure(), { action: "up", describedBy }),
    actionButton(t("editor.moveDown"), () => move(container, key, 1) && ed.restructure(), { action: "down", describedBy }),
  );
}

function agencyOptions(ed) {
  return Object.entries(ed.definition.agencies || {}).map(([code, name]) => [code, `${code} · ${pick(name)}`]);
}

// --- Catálogo -----------------------------------------------------------------------

export function catalogueTab(ed) {
  const d = ed.definition;
  const agencies = isObject(d.agencies) ? d.agencies : {};
  const newAgency = h("input", { type: "text", id: uid("ed"), class: "input-short input-mono", autocomplete: "off", spellcheck: "false" });
  const jurisdiction = ["jurisdiction"];
  return [
    textControl(ed, ["code"], t("editor.catalogue.code"), { hint: t("editor.catalogue.codeHint"), mono: true }),
    h("p", { class: "muted" }, t("editor.catalogue.version", { version: d.version ?? "—" })),
    bilingualControl(ed, ["name"], t("editor.catalogue.name")),
    bilingualControl(ed, ["description"], t("editor.catalogue.description"), { multiline: true }),
    textControl(ed, ["homoclave"], t("editor.catalogue.homoclave"), { hint: t("editor.catalogue.homoclaveHint"), mono: true, short: true }),
    selectControl(ed, ["agency"], t("editor.catalogue.agency"), agencyOptions(ed), { hint: t("editor.catalogue.agencyHint"), onchange: () => ed.restructure() }),
    h(
      "fieldset",
      { class: "field" },
      h("legend", {}, t("editor.catalogue.agencies")),
      Object.keys(agencies).map((code) =>
        itemBox(
          ed,
          ["agencies", code],
          code,
          bilingualControl(ed, ["agencies", code], t("editor.catalogue.agencyName")),
          actionButton(t("editor.catalogue.removeAgency", { code }), () => {
            deleteAt(ed.definition, ["agencies", code]);
            ed.restructure();
          }),
        ),
      ),
      h(
        "div",
        { class: "field add-row" },
        h("label", { class: "label", for: newAgency.id }, t("editor.catalogue.newAgency")),
        h("p", { class: "hint", id: `${newAgency.id}-hint` }, t("editor.catalogue.newAgencyHint")),
        h(
          "div",
          { class: "inline-row" },
          newAgency,
          actionButton(t("editor.catalogue.addAgency"), () => {
            const code = newAgency.value.trim().toUpperCase();
            if (!code || Object.hasOwn(agencies, code)) return;
            if (!isObject(ed.definition.agencies)) ed.definition.agencies = {};
            ed.definition.agencies[code] = { es: "", en: "" };
            ed.restructure({ focus: pathText(["agencies", code, "es"]) });
          }),
        ),
      ),
    ),
    h(
      "fieldset",
      { class: "field" },
      h("legend", {}, t("editor.catalogue.jurisdiction")),
      selectControl(ed, [...jurisdiction, "level"], t("editor.catalogue.level"), ["federal", "state", "municipal"].map((level) => [level, t(`editor.level.${level}`)])),
      textControl(ed, [...jurisdiction, "state"], t("editor.catalogue.state"), { hint: t("editor.catalogue.stateHint"), optional: true, short: true }),
      textControl(ed, [...jurisdiction, "municipality"], t("editor.catalogue.municipality"), { hint: t("editor.catalogue.municipalityHint"), optional: true, short: true }),
      bilingualControl(ed, [...jurisdiction, "name"], t("editor.catalogue.jurisdictionName")),
    ),
    bilingualControl(ed, ["legal_basis"], t("editor.catalogue.legalBasis"), { multiline: true }),
    integerControl(ed, ["expected_days"], t("editor.catalogue.expectedDays"), { hint: t("editor.catalogue.expectedDaysHint") }),
    linesControl(ed, ["keywords"], t("editor.catalogue.keywords"), { hint: t("editor.catalogue.keywordsHint") }),
    selectControl(ed, ["topic"], t("editor.catalogue.topic"), TOPICS.map((topic) => [topic, topic]), { optional: true }),
    selectControl(ed, ["identity"], t("editor.catalogue.identity"), ["password_sms", "efirma"].map((value) => [value, t(`editor.identity.${value}`)]), { optional: true }),
    keptNote([
      ...kept([], d, ["code", "version", "name", "homoclave", "agency", "agencies", "jurisdiction", "legal_basis", "description", "expected_days", "keywords", "topic", "identity", "form", "requirements", "fee", "start", "steps"]),
      ...kept(jurisdiction, d.jurisdiction, ["level", "state", "municipality", "name"]),
    ]),
  ];
}

// --- Formulario ---------------------------------------------------------------------

function requiredControl(ed, name) {
  const id = uid("ed");
  const list = () => (Array.isArray(ed.definition.form?.required) ? ed.definition.form.required : null);
  const control = h("input", { type: "checkbox", id, checked: Boolean(list()?.includes(name)) });
  control.addEventListener("change", () => {
    const form = ed.definition.form;
    const current = list() || [];
    if (control.checked && !current.includes(name)) {
      form.required = [...current, name];
    } else if (!control.checked) {
      const rest = current.filter((item) => item !== name);
      if (rest.length || Array.isArray(getAt(ed.pristine, ["form", "required"]))) form.required = rest;
      else delete form.required;
    }
    ed.changed();
  });
  return h("div", { class: "choice" }, control, h("label", { for: id }, t("editor.form.required")));
}

function renameControl(ed, segments, label, hint, rename) {
  const id = uid("ed");
  const current = segments.at(-1);
  const control = h("input", { type: "text", id, class: "input-short input-mono", autocomplete: "off", spellcheck: "false", "aria-describedby": `${id}-hint` });
  control.value = current;
  control.dataset.path = pathText(segments);
  control.dataset.key = "true";
  control.addEventListener("change", () => {
    const next = control.value.trim();
    if (next && next !== current && rename(next)) ed.restructure({ focus: pathText([...segments.slice(0, -1), next]) });
    else control.value = current;
  });
  return h("div", { class: "field" }, h("label", { class: "label", for: id }, label), h("p", { class: "hint", id: `${id}-hint` }, hint), control);
}

function optionParser(type) {
  return (line) => {
    const text = line.trim();
    if ((type === "integer" || type === "number") && text !== "" && Number.isFinite(Number(text))) return Number(text);
    return line;
  };
}

export function formTab(ed) {
  const d = ed.definition;
  // drawing never changes the definition: a missing form is made when a field is added
  const properties = isObject(d.form?.properties) ? d.form.properties : {};
  const keptPaths = kept(["form"], d.form, ["type", "properties", "required"]);
  const names = Object.keys(properties);
  return [
    h("p", { class: "hint" }, t("editor.form.lead")),
    names.length ? null : h("p", {}, t("editor.form.none")),
    h(
      "ol",
      { class: "plain editor-list" },
      names.map((name, index) => {
        const at = ["form", "properties", name];
        const field = properties[name];
        keptPaths.push(...kept(at, field, ["type", "title", "description", "x-i18n", "enum"]));
        if (isObject(field?.["x-i18n"])) {
          keptPaths.push(...kept([...at, "x-i18n"], field["x-i18n"], ["en"]));
          keptPaths.push(...kept([...at, "x-i18n", "en"], field["x-i18n"].en, ["title", "description"]));
        }
        const legendId = uid("ed");
        return h(
          "li",
          {},
          itemBox(
            ed,
            at,
            h("span", { id: legendId }, t("editor.form.field", { n: index + 1, name })),
            renameControl(ed, at, t("editor.form.name"), t("editor.form.nameHint"), (next) => {
              if (!renameKey(properties, name, next)) return false;
              if (Array.isArray(d.form.required)) d.form.required = d.form.required.map((item) => (item === name ? next : item));
              return true;
            }),
            textControl(ed, [...at, "title"], t("editor.form.titleEs")),
            textControl(ed, [...at, "x-i18n", "en", "title"], t("editor.form.titleEn")),
            textControl(ed, [...at, "description"], t("editor.form.descriptionEs"), { optional: true }),
            textControl(ed, [...at, "x-i18n", "en", "description"], t("editor.form.descriptionEn"), { optional: true }),
            selectControl(ed, [...at, "type"], t("editor.form.type"), FIELD_TYPES.map((type) => [type, t(`editor.fieldType.${type}`)]), { onchange: () => ed.restructure() }),
            field?.type === "boolean" ? null : linesControl(ed, [...at, "enum"], t("editor.form.options"), { hint: t("editor.form.optionsHint"), parse: optionParser(field?.type) }),
            requiredControl(ed, name),
            h(
              "div",
              { class: "item-actions" },
              moveButtons(ed, properties, name, legendId),
              actionButton(t("editor.remove"), () => {
                delete properties[name];
                if (Array.isArray(d.form.required)) d.form.required = d.form.required.filter((item) => item !== name);
                ed.restructure();
              }, { kind: "danger", action: "remove", describedBy: legendId }),
            ),
          ),
        );
      }),
    ),
    actionButton(t("editor.form.add"), () => {
      if (!isObject(d.form)) d.form = { type: "object", properties: {} };
      if (!isObject(d.form.properties)) d.form.properties = {};
      const name = freeKey(d.form.properties, "campo");
      d.form.properties[name] = { type: "string", title: "", "x-i18n": { en: { title: "" } } };
      ed.restructure({ focus: pathText(["form", "properties", name]) });
    }, { action: "add-field" }),
    keptNote(keptPaths),
  ];
}

// --- Requisitos ---------------------------------------------------------------------

function contentTypes(ed, at) {
  const segments = [...at, "content_types"];
  const id = uid("ed");
  const error = h("p", { class: "field-error", hidden: true, id: `${id}-error` });
  const box = h(
    "fieldset",
    { class: "field" },
    h("legend", {}, t("editor.requirements.contentTypes")),
    error,
    h(
      "div",
      { class: "choices-inline" },
      CONTENT_TYPES.map((type) => {
        const control = h("input", { type: "checkbox", id: `${id}-${type.replace(/\W/g, "-")}`, checked: Boolean(getAt(ed.definition, segments)?.includes(type)), "aria-describedby": `${id}-error` });
        control.addEventListener("change", () => {
          const current = Array.isArray(getAt(ed.definition, segments)) ? getAt(ed.definition, segments) : [];
          const chosen = control.checked ? [...current, type] : current.filter((item) => item !== type);
          // in the order the definition had them, so that undoing a change gives it back as it was
          const order = [...(getAt(ed.pristine, segments) || []), ...CONTENT_TYPES];
          getAt(ed.definition, at).content_types = [...new Set(chosen)].sort((a, b) => order.indexOf(a) - order.indexOf(b));
          ed.changed();
        });
        return h("div", { class: "choice" }, control, h("label", { for: control.id }, t(`editor.contentType.${type}`)));
      }),
    ),
  );
  ed.bindItem(segments, box, error, t("editor.requirements.contentTypes"));
  return box;
}

export function requirementsTab(ed) {
  const d = ed.definition;
  const list = Array.isArray(d.requirements) ? d.requirements : [];
  const keptPaths = [];
  return [
    h("p", { class: "hint" }, t("editor.requirements.lead")),
    list.length ? null : h("p", {}, t("editor.requirements.none")),
    h(
      "ol",
      { class: "plain editor-list" },
      list.map((item, index) => {
        const at = ["requirements", index];
        keptPaths.push(...kept(at, item, ["code", "name", "help", "content_types", "max_bytes", "optional"]));
        const legendId = uid("ed");
        return h(
          "li",
          {},
          itemBox(
            ed,
            at,
            h("span", { id: legendId }, t("editor.requirements.item", { n: index + 1, name: pick(item?.name) || item?.code || "" })),
            textControl(ed, [...at, "code"], t("editor.requirements.code"), { hint: t("editor.requirements.codeHint"), mono: true, short: true }),
            bilingualControl(ed, [...at, "name"], t("editor.requirements.name")),
            bilingualControl(ed, [...at, "help"], t("editor.requirements.help"), { optional: true, multiline: true }),
            contentTypes(ed, at),
            integerControl(ed, [...at, "max_bytes"], t("editor.requirements.maxBytes"), { hint: t("editor.requirements.maxBytesHint") }),
            checkControl(ed, [...at, "optional"], t("editor.requirements.optional")),
            h(
              "div",
              { class: "item-actions" },
              moveButtons(ed, list, index, legendId),
              actionButton(t("editor.remove"), () => {
                list.splice(index, 1);
                ed.restructure();
              }, { kind: "danger", action: "remove", describedBy: legendId }),
            ),
          ),
        );
      }),
    ),
    actionButton(t("editor.requirements.add"), () => {
      if (!Array.isArray(d.requirements)) d.requirements = list;
      list.push({ code: freeKey(Object.fromEntries(list.map((item) => [item?.code, 1])), "documento"), name: { es: "", en: "" }, content_types: ["application/pdf"], max_bytes: 5242880 });
      ed.restructure({ focus: pathText(["requirements", list.length - 1, "code"]) });
    }, { action: "add-requirement" }),
    keptNote(keptPaths),
  ];
}

// --- Cuota --------------------------------------------------------------------------

export function feeTab(ed, calculator) {
  const d = ed.definition;
  const fee = isObject(d.fee) ? d.fee : {};
  const byFormula = Object.hasOwn(fee, "formula");
  const name = uid("ed");
  const choose = (formula) => {
    if (formula === byFormula) return;
    const before = ed.pristine?.fee || {};
    if (!isObject(d.fee)) d.fee = fee;
    if (formula) {
      delete fee.amount;
      fee.formula = typeof before.formula === "string" ? before.formula : "";
    } else {
      delete fee.formula;
      fee.amount = typeof before.amount === "string" ? before.amount : "0.00";
    }
    ed.restructure({ focus: pathText(["fee", formula ? "formula" : "amount"]) });
  };
  const numeric = Object.entries(d.form?.properties || {}).filter(([, field]) => field?.type === "integer" || field?.type === "number").map(([key]) => key);
  return [
    h(
      "fieldset",
      { class: "field" },
      h("legend", {}, t("editor.fee.kind")),
      h(
        "div",
        { class: "choices-inline" },
        [false, true].map((formula) => {
          const control = h("input", { type: "radio", name, id: `${name}-${formula}`, checked: formula === byFormula, onchange: () => choose(formula) });
          return h("div", { class: "choice" }, control, h("label", { for: control.id }, t(formula ? "editor.fee.byFormula" : "editor.fee.fixed")));
        }),
      ),
    ),
    byFormula
      ? textControl(ed, ["fee", "formula"], t("editor.fee.formula"), { hint: numeric.length ? t("editor.fee.formulaHint", { fields: numeric.join(", ") }) : t("editor.fee.formulaNoFields"), mono: true })
      : textControl(ed, ["fee", "amount"], t("editor.fee.amount"), { hint: t("editor.fee.moneyHint"), short: true }),
    textControl(ed, ["fee", "minimum"], t("editor.fee.minimum"), { hint: t("editor.fee.moneyHint"), optional: true, short: true }),
    textControl(ed, ["fee", "maximum"], t("editor.fee.maximum"), { hint: t("editor.fee.moneyHint"), optional: true, short: true }),
    bilingualControl(ed, ["fee", "concept"], t("editor.fee.concept"), { optional: true }),
    h("section", { class: "fee-calculator", "aria-labelledby": `${name}-calc` }, h("h3", { id: `${name}-calc` }, t("editor.fee.calculator")), calculator),
    keptNote(kept(["fee"], fee, ["amount", "formula", "minimum", "maximum", "concept"])),
  ];
}

// --- Pasos --------------------------------------------------------------------------

const STEP_KEYS = {
  review: ["agency", "deadline_days", "on_deadline", "escalation_days", "after_escalation", "warn_days", "corrections_days"],
  payment: ["expires_days"],
  parallel: ["branches"],
  issue: ["document"],
  choice: ["default"],
  check: [],
};

// Step ids that point at `from` in one steps map (and its start) now point at `to`.
function renameStep(ed, stepsAt, startAt, from, to) {
  const steps = getAt(ed.definition, stepsAt);
  if (!renameKey(steps, from, to)) return false;
  for (const step of Object.values(steps)) {
    if (!isObject(step)) continue;
    if (step.next === from) step.next = to;
    if (step.default === from) step.default = to;
    for (const choice of Array.isArray(step.choices) ? step.choices : []) if (choice?.next === from) choice.next = to;
  }
  if (getAt(ed.definition, startAt) === from) {
    const owner = getAt(ed.definition, startAt.slice(0, -1));
    owner[startAt.at(-1)] = to;
  }
  if (stepsAt.length === 1 && ed.definition.appeal?.resume_at === from) ed.definition.appeal.resume_at = to;
  return true;
}

function flowControl(ed, at, siblings, id) {
  const step = getAt(ed.definition, at);
  const controlId = uid("ed");
  const options = siblings.filter((other) => other !== id);
  const current = step.end === true ? "" : step.next;
  const select = h(
    "select",
    { id: controlId, "aria-describedby": `${controlId}-error` },
    h("option", { value: "", selected: step.end === true }, t("editor.steps.end")),
    options.map((other) => h("option", { value: other, selected: other === current }, t("editor.steps.goTo", { step: other }))),
    current && !options.includes(current) ? h("option", { value: current, selected: true }, current) : null,
  );
  select.dataset.path = pathText([...at, "next"]);
  select.addEventListener("change", () => {
    const target = getAt(ed.definition, at);
    if (select.value === "") {
      delete target.next;
      target.end = true;
    } else {
      delete target.end;
      target.next = select.value;
    }
    ed.changed();
  });
  const error = h("p", { class: "field-error", id: `${controlId}-error`, hidden: true });
  const box = h("div", { class: "field" }, h("label", { class: "label", for: controlId }, t("editor.steps.next")), error, select);
  ed.bindItem([...at, "next"], box, error, t("editor.steps.next"), select);
  ed.bindItem([...at, "end"], box, error, t("editor.steps.next"), select);
  return box;
}

function stepEditor(ed, stepsAt, startAt, id, index, keptPaths) {
  const steps = getAt(ed.definition, stepsAt);
  const at = [...stepsAt, id];
  const step = steps[id];
  const type = step?.type;
  const legendId = uid("ed");
  keptPaths.push(...kept(at, step, ["type", "name", "next", "end", ...(STEP_KEYS[type] || [])]));
  const body = [];
  if (type === "review") {
    body.push(
      selectControl(ed, [...at, "agency"], t("editor.steps.agency"), agencyOptions(ed)),
      integerControl(ed, [...at, "deadline_days"], t("editor.steps.deadlineDays"), { hint: t("editor.steps.deadlineHint") }),
      selectControl(ed, [...at, "on_deadline"], t("editor.steps.onDeadline"), SILENCE.map((value) => [value, t(`editor.silence.${value}`)]), { hint: t("editor.steps.onDeadlineHint") }),
      integerControl(ed, [...at, "escalation_days"], t("editor.steps.escalationDays"), { optional: true }),
      selectControl(ed, [...at, "after_escalation"], t("editor.steps.afterEscalation"), SILENCE.slice(0, 2).map((value) => [value, t(`editor.silence.${value}`)]), { optional: true }),
      integerControl(ed, [...at, "warn_days"], t("editor.steps.warnDays"), { optional: true }),
      integerControl(ed, [...at, "corrections_days"], t("editor.steps.correctionsDays"), { optional: true }),
    );
  } else if (type === "payment") {
    body.push(integerControl(ed, [...at, "expires_days"], t("editor.steps.expiresDays"), { optional: true }));
  } else if (type === "issue") {
    const document = [...at, "document"];
    keptPaths.push(...kept(document, step.document, ["type", "title", "valid_days"]));
    body.push(
      textControl(ed, [...document, "type"], t("editor.steps.documentType"), { mono: true, short: true }),
      bilingualControl(ed, [...document, "title"], t("editor.steps.documentTitle")),
      integerControl(ed, [...document, "valid_days"], t("editor.steps.validDays")),
    );
  } else if (type === "choice") {
    body.push(selectControl(ed, [...at, "default"], t("editor.steps.default"), Object.keys(steps).filter((other) => other !== id).map((other) => [other, other])));
  } else if (type === "parallel") {
    const branches = Array.isArray(step.branches) ? step.branches : [];
    body.push(
      h(
        "ol",
        { class: "plain branches" },
        branches.map((branch, number) => {
          const branchAt = [...at, "branches", number];
          keptPaths.push(...kept(branchAt, branch, ["start", "steps"]));
          return h(
            "li",
            { class: "branch" },
            itemBox(
              ed,
              branchAt,
              t("editor.steps.branch", { n: number + 1 }),
              stepsEditor(ed, [...branchAt, "steps"], [...branchAt, "start"], keptPaths),
              branches.length > 2
                ? actionButton(t("editor.steps.removeBranch", { n: number + 1 }), () => {
                    branches.splice(number, 1);
                    ed.restructure();
                  }, { kind: "danger" })
                : null,
            ),
          );
        }),
      ),
      actionButton(t("editor.steps.addBranch"), () => {
        if (!Array.isArray(step.branches)) step.branches = [];
        const agency = ed.definition.agency;
        const branchStep = `revision_${step.branches.length + 1}`;
        step.branches.push({ start: branchStep, steps: { [branchStep]: newReview(agency) } });
        ed.restructure();
      }, { action: "add-branch" }),
    );
  }
  return itemBox(
    ed,
    at,
    h("span", { id: legendId }, t("editor.steps.step", { n: index + 1, id, name: pick(step?.name) })),
    renameControl(ed, at, t("editor.steps.id"), t("editor.steps.idHint"), (next) => renameStep(ed, stepsAt, startAt, id, next)),
    selectControl(ed, [...at, "type"], t("editor.steps.type"), STEP_TYPES.map((value) => [value, t(`editor.stepType.${value}`)]), { onchange: () => ed.restructure() }),
    bilingualControl(ed, [...at, "name"], t("editor.steps.name")),
    body,
    type === "choice" ? null : flowControl(ed, at, Object.keys(steps), id),
    h(
      "div",
      { class: "item-actions" },
      moveButtons(ed, steps, id, legendId),
      actionButton(t("editor.remove"), () => {
        delete steps[id];
        ed.restructure();
      }, { kind: "danger", action: "remove", describedBy: legendId }),
    ),
  );
}

function newReview(agency) {
  return { type: "review", name: { es: "", en: "" }, agency: agency || "", deadline_days: 10, on_deadline: "negativa_ficta", end: true };
}

function stepsEditor(ed, stepsAt, startAt, keptPaths) {
  const found = getAt(ed.definition, stepsAt);
  const steps = isObject(found) ? found : {};
  const ids = Object.keys(steps);
  return h(
    "div",
    { class: "steps-editor" },
    selectControl(ed, startAt, t("editor.steps.start"), ids.map((id) => [id, id])),
    h("ol", { class: "plain editor-list" }, ids.map((id, index) => h("li", {}, stepEditor(ed, stepsAt, startAt, id, index, keptPaths)))),
    actionButton(t("editor.steps.add"), () => {
      if (!isObject(getAt(ed.definition, stepsAt))) setAt(ed.definition, stepsAt, steps);
      const id = freeKey(steps, "paso");
      steps[id] = newReview(ed.definition.agency);
      ed.restructure({ focus: pathText([...stepsAt, id]) });
    }, { action: "add-step" }),
  );
}

export function stepsTab(ed) {
  const keptPaths = [];
  const editor = stepsEditor(ed, ["steps"], ["start"], keptPaths);
  return [h("p", { class: "hint" }, t("editor.steps.lead")), editor, keptNote(keptPaths)];
}
