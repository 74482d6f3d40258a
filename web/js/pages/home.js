// The catalogue: every published procedure, searchable as you type.

import { catalogue } from "../api.js";
import { append, h } from "../dom.js";
import { formatMoney, lang, pick, t, tn } from "../i18n.js";
import { announce, notice, section, setTitle } from "../ui.js";

function fold(text) {
  return String(text || "")
    .normalize("NFD")
    .replace(/\p{Diacritic}/gu, "")
    .toLowerCase();
}

export function feeText(fee) {
  if (!fee) return "—";
  if (fee.amount !== undefined) return Number(fee.amount) === 0 ? t("fee.free") : formatMoney(fee.amount);
  return fee.minimum ? t("fee.formulaFrom", { amount: formatMoney(fee.minimum) }) : t("fee.formula");
}

function searchable(item) {
  const texts = [item.name?.es, item.name?.en, item.description?.es, item.description?.en, item.agency, item.agency_name?.es, item.agency_name?.en, ...(item.keywords || [])];
  return fold(texts.join(" "));
}

function card(item) {
  return h(
    "li",
    { class: "card", dataset: { procedure: item.code } },
    h("h2", {}, h("a", { href: `#/tramites/${encodeURIComponent(item.code)}` }, pick(item.name))),
    h("p", { class: "muted" }, pick(item.agency_name)),
    h("p", {}, pick(item.description)),
    h(
      "ul",
      { class: "card-meta" },
      h("li", {}, `${t("catalogue.fee")}: `, h("strong", {}, feeText(item.fee))),
      h("li", {}, `${t("catalogue.expected")}: `, h("strong", {}, tn("days.business", item.expected_days))),
    ),
  );
}

export async function render(view, ctx) {
  setTitle(null);
  const items = await catalogue();
  const searchId = "catalogue-search";
  const input = h("input", { type: "search", id: searchId, name: "q", autocomplete: "off", "aria-describedby": `${searchId}-hint`, value: ctx.query.q || ctx.state.q || "" });
  const list = h("ul", { class: "cards", "aria-labelledby": "catalogue-heading" });
  const count = h("p", { class: "muted", id: "catalogue-count" });

  const apply = (announceCount) => {
    const words = fold(input.value).split(/\s+/).filter(Boolean);
    ctx.state.q = input.value;
    const shown = items.filter((item) => words.every((word) => searchable(item).includes(word))).sort((a, b) => pick(a.name).localeCompare(pick(b.name), lang()));
    list.replaceChildren(...shown.map(card));
    const message = shown.length === 0 ? t("catalogue.none") : tn("catalogue.count", shown.length);
    count.textContent = message;
    if (announceCount) announce(message);
  };
  let timer = null;
  input.addEventListener("input", () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => apply(true), 250);
  });
  ctx.onLeave(() => window.clearTimeout(timer));

  const form = h(
    "form",
    {
      class: "search",
      role: "search",
      onsubmit: (event) => {
        event.preventDefault();
        apply(true);
      },
    },
    h(
      "div",
      { class: "field" },
      h("label", { class: "label", for: searchId }, t("catalogue.searchLabel")),
      h("p", { class: "hint", id: `${searchId}-hint` }, t("catalogue.searchHint")),
      input,
    ),
    h("button", { type: "submit", class: "button button-green" }, t("catalogue.searchButton")),
  );

  const user = ctx.session;
  append(view, 
    h("section", { class: "hero" }, h("h1", { tabindex: "-1" }, t("catalogue.title")), h("p", { class: "lead" }, t("catalogue.lead")), form),
    user?.isCitizen ? notice("info", h("p", {}, t("catalogue.signedIn"), " ", h("a", { href: "#/mi-expediente" }, t("catalogue.goRecord")))) : null,
    user?.isOfficial ? notice("info", h("p", {}, t("catalogue.official"), " ", h("a", { href: "#/oficina" }, t("catalogue.goOffice")))) : null,
    h("h2", { id: "catalogue-heading" }, t("catalogue.listTitle")),
    count,
    list,
    section(
      "how",
      t("how.title"),
      { class: "panel" },
      h(
        "ol",
        { class: "steps-list" },
        ["choose", "apply", "pay", "receive"].map((step) => h("li", {}, h("strong", {}, t(`how.${step}.title`)), h("br"), t(`how.${step}.body`))),
      ),
    ),
  );
  apply(false);
}
