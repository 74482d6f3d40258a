// The catalogue: every published procedure, searchable as you type, and narrowed to the
// procedures of a place (a state, a municipality): the federal ones and that place's own.

import { catalogue, catalogueIn } from "../api.js";
import { append, h } from "../dom.js";
import { errorMessage } from "../errors.js";
import { formatMoney, lang, pick, t, tn } from "../i18n.js";
import { isMunicipality, isState, municipalities, states } from "../places.js";
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
  const texts = [item.name?.es, item.name?.en, item.description?.es, item.description?.en, item.agency, item.agency_name?.es, item.agency_name?.en, item.jurisdiction?.name?.es, item.jurisdiction?.name?.en, item.homoclave, ...(item.keywords || [])];
  return fold(texts.join(" "));
}

function card(item) {
  return h(
    "li",
    { class: "card", dataset: { procedure: item.code } },
    h("h2", {}, h("a", { href: `#/tramites/${encodeURIComponent(item.code)}` }, pick(item.name))),
    h("p", { class: "muted" }, pick(item.agency_name)),
    item.jurisdiction
      ? h(
          "p",
          { class: "card-jurisdiction", dataset: { level: item.jurisdiction.level } },
          `${t("catalogue.responsible")}: `,
          h("strong", {}, pick(item.jurisdiction.name)),
          ` (${t(`catalogue.level.${item.jurisdiction.level}`)})`,
        )
      : null,
    h("p", {}, pick(item.description)),
    h(
      "ul",
      { class: "card-meta" },
      h("li", {}, `${t("catalogue.fee")}: `, h("strong", {}, feeText(item.fee))),
      h("li", {}, `${t("catalogue.expected")}: `, h("strong", {}, tn("days.business", item.expected_days))),
      item.homoclave ? h("li", {}, `${t("catalogue.homoclave")}: `, h("strong", { class: "homoclave" }, item.homoclave)) : null,
    ),
  );
}

export async function render(view, ctx) {
  setTitle(null);
  const all = await catalogue();
  const asked = ctx.query.estado || ctx.state.state || "";
  const place = { state: isState(asked) ? asked : "", municipality: "" };
  const askedMunicipality = ctx.query.municipio || ctx.state.municipality || "";
  if (place.state && isMunicipality(askedMunicipality) && askedMunicipality.startsWith(place.state)) place.municipality = askedMunicipality;
  let items = place.state ? await catalogueIn(place) : all;
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

  const problem = h("div", { id: "catalogue-place-problem" });
  const stateSelect = h(
    "select",
    { id: "catalogue-state", name: "estado" },
    h("option", { value: "" }, t("catalogue.allStates")),
    states(lang()).map((state) => h("option", { value: state.code, selected: state.code === place.state }, state.name)),
  );
  const municipalitySelect = h("select", { id: "catalogue-municipality", name: "municipio" });
  const fillMunicipalities = () => {
    const known = place.state ? municipalities(all, place.state) : [];
    municipalitySelect.replaceChildren(
      h("option", { value: "" }, place.state ? t("catalogue.wholeState") : t("catalogue.chooseStateFirst")),
      ...known.map((municipality) => h("option", { value: municipality.code, selected: municipality.code === place.municipality }, pick(municipality.name))),
    );
    municipalitySelect.disabled = known.length === 0;
  };
  const load = async () => {
    ctx.state.state = place.state;
    ctx.state.municipality = place.municipality;
    const query = new URLSearchParams();
    if (place.state) query.set("estado", place.state);
    if (place.municipality) query.set("municipio", place.municipality);
    window.history.replaceState(null, "", query.size ? `#/?${query}` : "#/");
    try {
      items = place.state ? await catalogueIn(place) : all;
      problem.replaceChildren();
    } catch (error) {
      problem.replaceChildren(notice("error", h("p", {}, errorMessage(error))));
      return;
    }
    apply(true);
  };
  stateSelect.addEventListener("change", () => {
    place.state = stateSelect.value;
    place.municipality = "";
    fillMunicipalities();
    load();
  });
  municipalitySelect.addEventListener("change", () => {
    place.municipality = municipalitySelect.value;
    load();
  });
  fillMunicipalities();
  const placeFilter = h(
    "fieldset",
    { class: "place-filter" },
    h("legend", {}, t("catalogue.placeLegend")),
    h("p", { class: "hint" }, t("catalogue.placeHint")),
    h("div", { class: "field" }, h("label", { class: "label", for: "catalogue-state" }, t("catalogue.state")), stateSelect),
    h("div", { class: "field" }, h("label", { class: "label", for: "catalogue-municipality" }, t("catalogue.municipality")), municipalitySelect),
  );

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
    h("section", { class: "hero" }, h("h1", { tabindex: "-1" }, t("catalogue.title")), h("p", { class: "lead" }, t("catalogue.lead")), form, placeFilter, problem),
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
