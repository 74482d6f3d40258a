// The agency's review queue: oldest legal deadline first, the ones about to expire
// highlighted, overdue ones marked.

import { get, procedure } from "../api.js";
import { append, h } from "../dom.js";
import { formatDateTime, pick, t, tn } from "../i18n.js";
import { allSteps } from "../procedures.js";
import { navigate, refresh } from "../router.js";
import { button, notice, pageHeading, setTitle } from "../ui.js";

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
  const queue = await get(`/agencies/${encodeURIComponent(agency)}/reviews`);
  const reviews = [...(queue.reviews || [])].sort((a, b) => String(a.deadline).localeCompare(String(b.deadline)));
  const codes = [...new Set(reviews.map((review) => review.procedure))];
  const definitions = new Map((await Promise.all(codes.map((code) => procedure(code).catch(() => null)))).filter(Boolean).map((detail) => [detail.code, detail.definition]));

  let near = 0;
  let overdue = 0;
  const rows = reviews.map((review) => {
    const definition = definitions.get(review.procedure);
    const step = definition ? allSteps(definition).get(review.step) : null;
    const left = businessDaysLeft(review.deadline);
    const isOverdue = review.overdue || new Date(review.deadline) <= new Date();
    const isNear = !isOverdue && left <= Math.max(step?.warn_days ?? 1, 1);
    if (isOverdue) overdue += 1;
    if (isNear) near += 1;
    const flag = isOverdue ? h("strong", { class: "tag tag-danger" }, t("office.overdue")) : isNear ? h("strong", { class: "tag tag-warning" }, t("office.near")) : Number.isFinite(left) ? h("span", { class: "muted" }, tn("office.daysLeft", left)) : null;
    const href = `#/oficina/solicitudes/${encodeURIComponent(review.application_id)}`;
    return h(
      "tr",
      { class: isOverdue ? "is-overdue" : isNear ? "is-near" : null, dataset: { application: review.application_id, review: review.review_id } },
      h("td", { "data-label": t("office.deadline") }, h("strong", {}, formatDateTime(review.deadline)), h("br"), flag),
      h("td", { "data-label": t("application.folio") }, h("a", { href, class: "mono" }, review.application_id)),
      h("td", { "data-label": t("record.procedure") }, definition ? pick(definition.name) : review.procedure),
      h("td", { "data-label": t("office.step") }, step ? pick(step.name) : review.step, review.escalated ? [h("br"), h("strong", { class: "tag tag-warning" }, t("office.escalated"))] : null),
      h("td", { "data-label": t("office.opened") }, formatDateTime(review.opened_at)),
      h("td", { "data-label": t("record.action") }, h("a", { href, class: "button button-green", "aria-label": `${t("office.review")} ${review.application_id}` }, t("office.review"))),
    );
  });

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
    picker,
    h(
      "p",
      { class: "queue-summary", role: "status" },
      reviews.length ? tn("office.count", reviews.length) : t("office.empty"),
      near ? ` ${tn("office.nearCount", near)}` : "",
      overdue ? ` ${tn("office.overdueCount", overdue)}` : "",
    ),
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
            h("tbody", {}, rows),
          ),
        )
      : notice("success", h("p", {}, t("office.emptyBody"))),
    h("p", {}, button(t("application.refresh"), { kind: "secondary", onclick: () => refresh() })),
  );
}
