// The catalogue: the procedures in effect, searched as you type (the API searches, without
// accents or case, in Spanish and English), narrowed to a place (a state, a municipality:
// the federal procedures and that place's own), an agency and a topic, a page at a time.

import { searchCatalogue } from "../api.js";
import { append, h } from "../dom.js";
import { errorMessage } from "../errors.js";
import { formatMoney, lang, pick, t, tn } from "../i18n.js";
import { isMunicipality, isState, municipalities, states } from "../places.js";
import { announce, notice, section, setTitle } from "../ui.js";

const PAGE = 20; // cards per page: the first view stays small on a phone
const TYPING_PAUSE_MS = 250;

export function feeText(fee) {
  if (!fee) return "—";
  if (fee.amount !== undefined) return Number(fee.amount) === 0 ? t("fee.free") : formatMoney(fee.amount);
  return fee.minimum ? t("fee.formulaFrom", { amount: formatMoney(fee.minimum) }) : t("fee.formula");
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
  const asked = { ...ctx.state, ...pickQuery(ctx.query) };
  const filters = {
    q: asked.q || "",
    state: isState(asked.state) ? asked.state : "",
    municipality: "",
    agency: /^[A-Z][A-Z0-9]{1,15}$/.test(asked.agency || "") ? asked.agency : "",
    topic: /^[a-z-]{3,20}$/.test(asked.topic || "") ? asked.topic : "",
  };
  if (filters.state && isMunicipality(asked.municipality) && asked.municipality.startsWith(filters.state)) filters.municipality = asked.municipality;

  const searchId = "catalogue-search";
  const input = h("input", { type: "search", id: searchId, name: "q", autocomplete: "off", "aria-describedby": `${searchId}-hint`, value: filters.q });
  const list = h("ul", { class: "cards", "aria-labelledby": "catalogue-heading" });
  const count = h("p", { class: "muted", id: "catalogue-count" });
  const problem = h("div", { id: "catalogue-place-problem" });
  const more = h("button", { type: "button", class: "button button-secondary", id: "catalogue-more", hidden: true }, t("catalogue.more"));
  const stateSelect = h(
    "select",
    { id: "catalogue-state", name: "estado" },
    h("option", { value: "" }, t("catalogue.allStates")),
    states(lang()).map((state) => h("option", { value: state.code, selected: state.code === filters.state }, state.name)),
  );
  const municipalitySelect = h("select", { id: "catalogue-municipality", name: "municipio" });
  const agencySelect = h("select", { id: "catalogue-agency", name: "dependencia" });
  const topicSelect = h("select", { id: "catalogue-topic", name: "tema" });

  let facets = { agencies: [], topics: [], municipalities: [] };
  let facetsPlace = null;
  let pageParams = {};
  let cursor = null;
  let asking = 0; // the newest search: an older answer arriving late is dropped
  let controller = null;

  const fillFilters = () => {
    const known = filters.state ? municipalities(facets.municipalities, filters.state) : [];
    municipalitySelect.replaceChildren(
      h("option", { value: "" }, filters.state ? t("catalogue.wholeState") : t("catalogue.chooseStateFirst")),
      ...known.map((item) => h("option", { value: item.code, selected: item.code === filters.municipality }, pick(item.name))),
    );
    municipalitySelect.disabled = known.length === 0;
    const agencies = [...facets.agencies].sort((a, b) => pick(a.name).localeCompare(pick(b.name), lang()));
    if (filters.agency && !agencies.some((item) => item.code === filters.agency)) agencies.unshift({ code: filters.agency, name: { es: filters.agency, en: filters.agency } });
    agencySelect.replaceChildren(
      h("option", { value: "" }, t("catalogue.allAgencies")),
      ...agencies.map((item) => h("option", { value: item.code, selected: item.code === filters.agency }, pick(item.name))),
    );
    const topics = [...new Set([...facets.topics, ...(filters.topic ? [filters.topic] : [])])];
    topicSelect.replaceChildren(
      h("option", { value: "" }, t("catalogue.allTopics")),
      ...topics
        .map((code) => ({ code, name: t(`topic.${code}`) }))
        .sort((a, b) => a.name.localeCompare(b.name, lang()))
        .map((item) => h("option", { value: item.code, selected: item.code === filters.topic }, item.name)),
    );
  };

  const remember = () => {
    Object.assign(ctx.state, filters);
    const query = new URLSearchParams();
    for (const [name, key] of [["q", "q"], ["estado", "state"], ["municipio", "municipality"], ["dependencia", "agency"], ["tema", "topic"]]) if (filters[key]) query.set(name, filters[key]);
    window.history.replaceState(null, "", query.size ? `#/?${query}` : "#/");
  };

  // A new search (announce: say the count to screen readers), or the next page (`next`).
  const load = async ({ next = false, announceCount = true } = {}) => {
    const ticket = ++asking;
    if (controller) controller.abort();
    controller = new AbortController();
    more.disabled = true;
    let page;
    try {
      if (!next) {
        // the same words on every page of one list (its cursor is sealed for them); the
        // filters' choices depend on the place alone, so they are asked for once a place
        pageParams = { ...filters, limit: PAGE };
        if (`${filters.state}/${filters.municipality}` === facetsPlace) pageParams.facets = "false";
      }
      page = await searchCatalogue(pageParams, next ? cursor : null, { signal: controller.signal });
    } catch (error) {
      if (ticket !== asking || error?.name === "AbortError") return;
      problem.replaceChildren(notice("error", h("p", {}, errorMessage(error))));
      more.disabled = false;
      return;
    }
    if (ticket !== asking) return;
    problem.replaceChildren();
    const place = `${filters.state}/${filters.municipality}`;
    if (page.facets && place !== facetsPlace) {
      // the choices depend on the place only: typing leaves the selects as they are
      facets = page.facets;
      facetsPlace = place;
      fillFilters();
    }
    const cards = (page.procedures || []).map(card);
    if (next) list.append(...cards);
    else list.replaceChildren(...cards);
    cursor = page.next_cursor;
    more.hidden = !cursor;
    more.disabled = false;
    const shown = list.children.length;
    const message = page.total === 0 ? t("catalogue.none") : cursor ? tn("catalogue.countShown", page.total, { shown }) : tn("catalogue.count", page.total);
    count.textContent = message;
    view.dataset.catalogueReady = String(asking);
    if (announceCount) announce(message);
  };

  let timer = null;
  input.addEventListener("input", () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => {
      filters.q = input.value.trim();
      remember();
      load();
    }, TYPING_PAUSE_MS);
  });
  ctx.onLeave(() => {
    window.clearTimeout(timer);
    if (controller) controller.abort();
  });
  const changed = (apply) => () => {
    apply();
    remember();
    load();
  };
  stateSelect.addEventListener(
    "change",
    changed(() => {
      filters.state = stateSelect.value;
      filters.municipality = "";
    }),
  );
  municipalitySelect.addEventListener("change", changed(() => (filters.municipality = municipalitySelect.value)));
  agencySelect.addEventListener("change", changed(() => (filters.agency = agencySelect.value)));
  topicSelect.addEventListener("change", changed(() => (filters.topic = topicSelect.value)));
  more.addEventListener("click", () => load({ next: true }));
  fillFilters();

  const field = (id, label, control) => h("div", { class: "field" }, h("label", { class: "label", for: id }, label), control);
  const placeFilter = h(
    "fieldset",
    { class: "place-filter" },
    h("legend", {}, t("catalogue.placeLegend")),
    h("p", { class: "hint" }, t("catalogue.placeHint")),
    field("catalogue-state", t("catalogue.state"), stateSelect),
    field("catalogue-municipality", t("catalogue.municipality"), municipalitySelect),
  );
  const otherFilters = h(
    "fieldset",
    { class: "place-filter" },
    h("legend", {}, t("catalogue.filtersLegend")),
    field("catalogue-agency", t("catalogue.agency"), agencySelect),
    field("catalogue-topic", t("catalogue.topic"), topicSelect),
  );

  const form = h(
    "form",
    {
      class: "search",
      role: "search",
      onsubmit: (event) => {
        event.preventDefault();
        window.clearTimeout(timer);
        filters.q = input.value.trim();
        remember();
        load();
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
  append(
    view,
    h("section", { class: "hero" }, h("h1", { tabindex: "-1" }, t("catalogue.title")), h("p", { class: "lead" }, t("catalogue.lead")), form, placeFilter, otherFilters, problem),
    user?.isCitizen ? notice("info", h("p", {}, t("catalogue.signedIn"), " ", h("a", { href: "#/mi-expediente" }, t("catalogue.goRecord")))) : null,
    user?.isOfficial ? notice("info", h("p", {}, t("catalogue.official"), " ", h("a", { href: "#/oficina" }, t("catalogue.goOffice")))) : null,
    h("h2", { id: "catalogue-heading" }, t("catalogue.listTitle")),
    count,
    list,
    h("div", { class: "actions" }, more),
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
  await load({ announceCount: false });
}

// The address's words for the filters (#/?q=…&estado=…&municipio=…&dependencia=…&tema=…).
function pickQuery(query) {
  const out = {};
  for (const [name, key] of [["q", "q"], ["estado", "state"], ["municipio", "municipality"], ["dependencia", "agency"], ["tema", "topic"]]) if (query[name]) out[key] = query[name];
  return out;
}
