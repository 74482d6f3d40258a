// The agency's review queue: oldest legal deadline first (then first come, first served),
// the ones about to expire highlighted, overdue ones marked, those that others precede
// marked too (deciding them first needs a reason); and the citizens' ratings, low ones flagged.

import { get, procedure } from "../api.js";
import { callbackQueue } from "../callback.js";
import { append, h } from "../dom.js";
import { formatDateTime, formatNumber, pick, t, tn } from "../i18n.js";
import { moreButton, paged } from "../more.js";
import { allSteps } from "../procedures.js";
import { navigate, refresh } from "../router.js";
import { button, notice, pageHeading, section, setTitle } from "../ui.js";

// Weekdays left until the deadline (federal holidays are the server's business; this
// only decides the highlight).
export function businessDaysLeft(deadline, now = new Date()) {
  const end = new Date(deadline);
  if (Number.isNaN(end.getTime())) return Infinity;
  if (end <= now) return 0;
  let days = 0;
  const cursor = new Date(now);
  while (cursor < end && days < 400) {
    cursor.setUTCDate(cursor.getUTCDate() + 1);
    const weekday = cursor.getUTCDay();
    if (weekday !== 0 && weekday !== 6) days += 1;
  }
  return days;
}

export async function render(view, ctx) {
  const agencies = ctx.session.agencies;
  const agency = agencies.includes(ctx.query.dependencia) ? ctx.query.dependencia : agencies[0];
  setTitle(t("office.title", { agency }));
  const path = `/agencies/${encodeURIComponent(agency)}/reviews`;
  const ratingsPath = `/agencies/${encodeURIComponent(agency)}/ratings`;
  const [queue, ratings, callbacks] = await Promise.all([get(path), get(ratingsPath).catch(() => null), callbackQueue(agency)]);
  // In turn: legal deadline first, then first come (the API's order; kept if another answers).
  const reviews = [...(queue.reviews || [])].sort((a, b) => String(a.deadline).localeCompare(String(b.deadline)) || String(a.opened_at).localeCompare(String(b.opened_at)));
  const definitions = new Map();
  await defineAll(definitions, [...reviews.map((review) => review.procedure), ...(ratings?.ratings || []).map((item) => item.procedure)]);

  const counts = { shown: 0, near: 0, overdue: 0 };
  const summary = h("p", { class: "queue-summary", role: "status" });
  const rowsOf = (page) =>
    page.map((review) => {
      const { row, near, overdue } = queueRow(review, definitions);
      counts.shown += 1;
      counts.near += near;
      counts.overdue += overdue;
      return row;
    });
  const summarise = () => {
    summary.textContent = [counts.shown ? tn("office.count", counts.shown) : t("office.empty"), counts.near ? tn("office.nearCount", counts.near) : "", counts.overdue ? tn("office.overdueCount", counts.overdue) : ""].filter(Boolean).join(" ");
  };
  const rows = rowsOf(reviews);
  summarise();
  const body = h("tbody", {}, rows);
  // the next page of the queue, after what is shown (the API's turn order goes on where the last page ended)
  const more = moreButton(
    body,
    async (cursor) => {
      const page = await get(paged(path, cursor));
      await defineAll(definitions, page.reviews.map((review) => review.procedure));
      const nodes = rowsOf(page.reviews);
      summarise();
      return { nodes, cursor: page.next_cursor };
    },
    queue.next_cursor,
  );

  const picker =
    agencies.length > 1
      ? h(
          "div",
          { class: "field" },
          h("label", { class: "label", for: "agency" }, t("office.agency")),
          h(
            "select",
            { id: "agency", class: "input-short", onchange: (event) => navigate(`/oficina?dependencia=${encodeURIComponent(event.target.value)}`) },
            agencies.map((code) => h("option", { value: code, selected: code === agency }, code)),
          ),
        )
      : null;

  append(view, 
    ...pageHeading(t("office.title", { agency }), t("office.lead")),
    h("p", {}, h("a", { href: "#/oficina/efirma" }, t("office.efirmaLink"))),
    picker,
    summary,
    reviews.length
      ? h(
          "div",
          { class: "table-wrap" },
          h(
            "table",
            { class: "responsive queue" },
            h("caption", {}, t("office.caption")),
            h(
              "thead",
              {},
              h(
                "tr",
                {},
                ["office.deadline", "application.folio", "record.procedure", "office.step", "office.opened", "record.action"].map((key) => h("th", { scope: "col" }, t(key))),
              ),
            ),
            body,
          ),
        )
      : notice("success", h("p", {}, t("office.emptyBody"))),
    more,
    h("p", {}, button(t("application.refresh"), { kind: "secondary", onclick: () => refresh() })),
    callbacks,
    ratingsPanel(ratings, definitions, ratingsPath),
  );
}

async function defineAll(definitions, codes) {
  const missing = [...new Set(codes)].filter((code) => !definitions.has(code));
  for (const detail of await Promise.all(missing.map((code) => procedure(code).catch(() => null)))) if (detail) definitions.set(detail.code, detail.definition);
}

// One review of the queue as a row, and whether it is near its deadline or past it.
function queueRow(review, definitions) {
  const definition = definitions.get(review.procedure);
  const step = definition ? allSteps(definition).get(review.step) : null;
  const left = businessDaysLeft(review.deadline);
  const isOverdue = review.overdue || new Date(review.deadline) <= new Date();
  const isNear = !isOverdue && left <= Math.max(step?.warn_days ?? 1, 1);
  const flag = isOverdue ? h("strong", { class: "tag tag-danger" }, t("office.overdue")) : isNear ? h("strong", { class: "tag tag-warning" }, t("office.near")) : Number.isFinite(left) ? h("span", { class: "muted" }, tn("office.daysLeft", left)) : null;
  const href = `#/oficina/solicitudes/${encodeURIComponent(review.application_id)}`;
  const row = h(
    "tr",
    { class: isOverdue ? "is-overdue" : isNear ? "is-near" : null, dataset: { application: review.application_id, review: review.review_id } },
    h(
      "td",
      { "data-label": t("office.deadline") },
      h("strong", {}, formatDateTime(review.deadline)),
      h("br"),
      flag,
      review.out_of_turn ? [h("br"), h("span", { class: "muted", dataset: { earlierOpen: String(review.earlier_open) } }, tn("office.ahead", review.earlier_open))] : null,
    ),
    h("td", { "data-label": t("application.folio") }, h("a", { href, class: "mono" }, review.application_id)),
    h("td", { "data-label": t("record.procedure") }, definition ? pick(definition.name) : review.procedure),
    h("td", { "data-label": t("office.step") }, step ? pick(step.name) : review.step, review.escalated ? [h("br"), h("strong", { class: "tag tag-warning" }, t(review.appeal ? "office.appeal" : "office.escalated"))] : null),
    h("td", { "data-label": t("office.opened") }, formatDateTime(review.opened_at)),
    h("td", { "data-label": t("record.action") }, h("a", { href, class: "button button-green", "aria-label": `${t("office.review")} ${review.application_id}` }, t("office.review"))),
  );
  return { row, near: isNear ? 1 : 0, overdue: isOverdue ? 1 : 0 };
}

function ratingRow(item, definitions) {
  return h(
    "tr",
    { class: item.low ? "is-low" : null, dataset: { application: item.application_id, low: String(item.low) } },
    h("td", { "data-label": t("office.ratedAt") }, formatDateTime(item.rated_at)),
    h("td", { "data-label": t("application.folio") }, h("span", { class: "mono" }, item.application_id)),
    h("td", { "data-label": t("record.procedure") }, definitions.get(item.procedure) ? pick(definitions.get(item.procedure).name) : item.procedure),
    h("td", { "data-label": t("office.score") }, h("strong", {}, `${item.score}/5`), item.low ? [" ", h("strong", { class: "tag tag-danger" }, t("office.lowRating"))] : null),
    h("td", { "data-label": t("rating.comment") }, item.comment || h("span", { class: "muted" }, t("office.noComment"))),
  );
}

// The newest ratings, a page at a time. Each page's summary counts that page only, so the
// panel adds up the pages shown and says that its figures are those of the ratings shown.
function ratingsPanel(ratings, definitions, path) {
  if (!ratings) return null;
  const shown = { count: 0, sum: 0, low: 0 };
  const summary = h("p", { role: "status" });
  const add = (page) => {
    shown.count += page.summary.count;
    shown.sum += page.summary.count ? page.summary.average * page.summary.count : 0;
    shown.low += page.summary.low;
  };
  const summarise = (more) => {
    summary.textContent = shown.count
      ? [tn(more ? "office.ratingsShownSummary" : "office.ratingsSummary", shown.count, { average: formatNumber(shown.sum / shown.count) }), shown.low ? tn("office.lowCount", shown.low) : ""].filter(Boolean).join(" ")
      : t("office.ratingsNone");
  };
  add(ratings);
  summarise(Boolean(ratings.next_cursor));
  const body = h("tbody", {}, ratings.ratings.map((item) => ratingRow(item, definitions)));
  const more = moreButton(
    body,
    async (cursor) => {
      const page = await get(paged(path, cursor));
      await defineAll(definitions, page.ratings.map((item) => item.procedure));
      add(page);
      summarise(Boolean(page.next_cursor));
      return { nodes: page.ratings.map((item) => ratingRow(item, definitions)), cursor: page.next_cursor };
    },
    ratings.next_cursor,
  );
  return section(
    "ratings",
    t("office.ratingsTitle"),
    { class: "panel", dataset: { ratings: "true" } },
    summary,
    ratings.ratings.length
      ? h(
          "div",
          { class: "table-wrap" },
          h(
            "table",
            { class: "responsive ratings" },
            h("caption", {}, t("office.ratingsCaption")),
            h("thead", {}, h("tr", {}, ["office.ratedAt", "application.folio", "record.procedure", "office.score", "rating.comment"].map((key) => h("th", { scope: "col" }, t(key))))),
            body,
          ),
        )
      : null,
    more,
  );
}
