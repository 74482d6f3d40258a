// What a procedure's draft changes against the published version, as people read it: each
// value before and after (a table), then the whole change line by line (a unified diff of the
// two definitions). The consultation page and the editor's "Changes" tab show the same.
//
// changes: [{path, kind: added|removed|changed, before?, after?}]; lines: the diff's lines.

import { h } from "./dom.js";
import { t } from "./i18n.js";

function shown(value) {
  if (value === undefined || value === null) return "—";
  if (typeof value === "string") return value;
  return JSON.stringify(value, null, 1);
}

export function changesTable(changes) {
  if (!changes.length) return h("p", {}, t("consultation.noChanges"));
  return h(
    "div",
    { class: "table-wrap", tabindex: "0", role: "region", "aria-label": t("consultation.changesTitle") },
    h(
      "table",
      { class: "changes" },
      h("caption", { class: "visually-hidden" }, t("consultation.changesTitle")),
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("consultation.field")), h("th", { scope: "col" }, t("consultation.before")), h("th", { scope: "col" }, t("consultation.after")))),
      h(
        "tbody",
        {},
        changes.map((change) =>
          h(
            "tr",
            { dataset: { change: change.path, kind: change.kind } },
            h("th", { scope: "row" }, h("code", {}, change.path.replace(/^\$\./, "")), h("br"), h("span", { class: "muted" }, t(`consultation.kind.${change.kind}`))),
            h("td", {}, h("pre", { class: "value" }, shown(change.before))),
            h("td", {}, h("pre", { class: "value" }, shown(change.after))),
          ),
        ),
      ),
    ),
  );
}

export function diffBlock(lines) {
  const kind = (line) => (line.startsWith("+") && !line.startsWith("+++") ? "added" : line.startsWith("-") && !line.startsWith("---") ? "removed" : "context");
  return h(
    "details",
    { class: "diff" },
    h("summary", {}, t("consultation.diffTitle")),
    h("pre", { class: "diff-lines", tabindex: "0", "aria-label": t("consultation.diffTitle") }, lines.map((line) => h("span", { class: `diff-${kind(line)}` }, `${line}\n`))),
  );
}
