// The CURP input: upper-cases as you type, counts characters, and says at once (at 18
// characters, or on leaving the field) whether the CURP is well formed.

import { curpProblem, normaliseCurp } from "./curp.js";
import { h } from "./dom.js";
import { labelledField } from "./fields.js";
import { t } from "./i18n.js";

export function curpField({ id = "curp", value = "", hint = true } = {}) {
  const hintId = `${id}-hint`;
  const statusId = `${id}-status`;
  const errorId = `${id}-error`;
  const input = h("input", {
    type: "text",
    id,
    name: "curp",
    class: "input-code",
    autocomplete: "username",
    autocapitalize: "characters",
    spellcheck: "false",
    maxlength: "18",
    "aria-describedby": [hint ? hintId : null, statusId, errorId].filter(Boolean).join(" "),
  });
  input.value = normaliseCurp(value);
  const status = h("p", { class: "field-status", id: statusId });
  const { element, setError } = labelledField({ id, label: t("curp.label"), hint: hint ? t("curp.hint") : null, control: input, after: status, dataset: { field: "curp" } });

  // final: the person is done typing (left the field or submitted).
  const check = (final) => {
    const curp = normaliseCurp(input.value);
    const problem = curpProblem(curp);
    status.className = "field-status";
    if (problem === null) {
      setError(null);
      status.className = "field-ok";
      status.textContent = t("curp.ok");
      return true;
    }
    if (!final && (problem === "short" || problem === "empty")) {
      setError(null);
      status.textContent = curp ? t("curp.count", { n: curp.length }) : "";
      return false;
    }
    status.textContent = "";
    setError(t(`curp.error.${problem}`, { missing: 18 - curp.length }));
    return false;
  };

  input.addEventListener("input", () => {
    const start = input.selectionStart;
    const upper = input.value.toUpperCase().replace(/\s+/g, "");
    if (upper !== input.value) {
      input.value = upper;
      input.setSelectionRange(start, start);
    }
    check(false);
  });
  input.addEventListener("blur", () => {
    if (input.value) check(true);
  });
  if (input.value) check(false);

  return { element, input, validate: () => check(true), value: () => normaliseCurp(input.value), setError };
}
