// The public dashboard: how every procedure performs (GET /stats/procedures). A chart per
// procedure of volumes and days to resolution over the months, drawn by the vendored
// Chartist (SVG, hidden from screen readers), with the same numbers in a table after it;
// the agencies' league table by share resolved within the legal deadline; the ratings;
// per procedure, the share filed with an assistant's help, by community centre; and the
// window's applications started and status queries answered by channel (GET /stats/channels).
// Counts under 5 come withheld from the API (null, named in "suppressed").

import { get } from "../api.js";
import { config } from "../config.js";
import { append, h } from "../dom.js";
import { formatNumber, lang, pick, t } from "../i18n.js";
import { notice, pageHeading, section, setTitle } from "../ui.js";

const VOLUMES = ["submitted", "issued", "rejected"];
const DAYS = ["resolution_days_median", "resolution_days_p90"];
const SUMMARY = ["submitted", "issued", "rejected", "deemed_approved", "deemed_denied", "withdrawn", "resolution_days_median", "resolution_days_p90", "within_deadline_share", "corrections_share", "out_of_order_share", "rating_average", "ratings", "sms_sent", "sms_segments"];
const SHARES = new Set(["within_deadline_share", "corrections_share", "out_of_order_share", "assisted_share", "share"]);

let chartist = null;
const loadChartist = () => (chartist ??= import("../../vendor/chartist/index.js"));

// A figure as shown: withheld ones say so (the API withholds counts from 1 to 4), missing ones are a dash.
function figure(row, name) {
  const value = row[name];
  if (value === null || value === undefined) {
    const withheld = (row.suppressed || []).includes(name);
    return withheld ? h("span", { class: "withheld", title: t("stats.withheldHint") }, t("stats.withheld")) : "—";
  }
  if (SHARES.has(name)) return new Intl.NumberFormat(lang() === "es" ? "es-MX" : "en-US", { style: "percent", maximumFractionDigits: 1 }).format(value);
  return formatNumber(value);
}

function cell(row, name, label) {
  return h("td", { class: "numeric", "data-label": label, dataset: { figure: name, value: row[name] === null || row[name] === undefined ? "" : String(row[name]) } }, figure(row, name));
}

function monthLabel(month) {
  const [year, number] = month.split("-").map(Number);
  return new Intl.DateTimeFormat(lang() === "es" ? "es-MX" : "en-US", { timeZone: "UTC", month: "short", year: "2-digit" }).format(new Date(Date.UTC(year, number - 1, 1)));
}

function chart(kind, months, series, names, caption) {
  const box = h("div", { class: `ct-chart stats-chart stats-chart-${kind}`, "aria-hidden": "true" });
  const legend = h(
    "ul",
    { class: "chart-legend", "aria-hidden": "true" },
    names.map((name, index) => h("li", { class: `legend-${String.fromCharCode(97 + index)}` }, t(`stats.figure.${name}`))),
  );
  const drawn = h("figure", { class: "stats-figure" }, h("figcaption", {}, caption), legend, box);
  loadChartist().then(({ BarChart, LineChart }) => {
    const data = { labels: months.map(monthLabel), series: series.map((values) => values.map((value) => (value === null ? null : value))) };
    const options = { height: "12rem", axisY: { onlyInteger: true, low: 0 }, chartPadding: { top: 10, right: 8, bottom: 0, left: 0 } };
    if (kind === "volumes") new BarChart(box, data, { ...options, seriesBarDistance: 8 });
    else new LineChart(box, data, { ...options, showArea: false, lineSmooth: false });
  });
  return drawn;
}

// The charts' numbers, month by month: open on a wide screen, one tap away on a phone.
function monthTable(procedure) {
  const columns = [...VOLUMES, ...DAYS];
  const wide = window.matchMedia("(min-width: 48em)").matches;
  const rows = procedure.months.map((row) =>
    h("tr", { dataset: { month: row.month } }, h("th", { scope: "row" }, monthLabel(row.month)), columns.map((name) => cell(row, name, t(`stats.figure.${name}`)))),
  );
  return h(
    "details",
    { class: "stats-months-details", open: wide },
    h("summary", {}, t("stats.monthsSummary", { name: pick(procedure.name) })),
    h(
      "div",
      { class: "table-wrap" },
      h(
        "table",
        { class: "responsive stats-months", dataset: { procedure: procedure.code } },
        h("caption", { class: "visually-hidden" }, t("stats.monthsCaption", { name: pick(procedure.name) })),
        h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("stats.month")), columns.map((name) => h("th", { scope: "col" }, t(`stats.figure.${name}`))))),
        h("tbody", {}, rows),
      ),
    ),
  );
}

// Filed by an assistant at a community centre: each centre's applications and their share
// of all submitted (a centre listed without figures filed too few to publish).
function assistedTable(procedure) {
  const totals = procedure.totals;
  const centres = totals.centres || [];
  const heading = h("h3", {}, t("stats.assistedTitle"));
  if (!centres.length) return h("div", { class: "stats-assisted" }, heading, h("p", { class: "muted" }, t("stats.assistedNone")));
  const labels = { submitted: t("stats.figure.submitted"), share: t("stats.assistedShare") };
  const withheld = (entry) => ({ ...entry, suppressed: ["submitted", "share"].filter((name) => entry[name] === null) });
  return h(
    "div",
    { class: "stats-assisted" },
    heading,
    h(
      "div",
      { class: "table-wrap" },
      h(
        "table",
        { class: "responsive stats-centres", dataset: { procedure: procedure.code } },
        h("caption", { class: "visually-hidden" }, t("stats.assistedCaption", { name: pick(procedure.name) })),
        h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("stats.centre")), h("th", { scope: "col" }, labels.submitted), h("th", { scope: "col" }, labels.share))),
        h(
          "tbody",
          {},
          centres.map((entry) =>
            h("tr", { dataset: { centre: entry.centre } }, h("th", { scope: "row", class: "mono" }, entry.centre), cell(withheld(entry), "submitted", labels.submitted), cell(withheld(entry), "share", labels.share)),
          ),
        ),
        h("tfoot", {}, h("tr", { class: "stats-assisted-total" }, h("th", { scope: "row" }, t("stats.assistedAll")), cell(totals, "assisted", labels.submitted), cell(totals, "assisted_share", labels.share))),
      ),
    ),
  );
}

// The window's applications started and status queries answered, by channel: one small
// table. Web status views are not counted, and no query is made at a centre (a dash).
const CHANNELS = ["web", "sms", "phone", "centre"];

function channelTable(report) {
  const applications = report.applications.totals;
  const queries = report.status_queries.totals;
  const labels = { applications: t("stats.channels.applications"), queries: t("stats.channels.statusQueries") };
  const queryCell = (name) => {
    if (name === "web") return h("td", { class: "numeric muted", "data-label": labels.queries }, t("stats.channels.notCounted"));
    if (!(name in queries)) return h("td", { class: "numeric", "data-label": labels.queries }, "—");
    return cell(queries, name, labels.queries);
  };
  return h(
    "section",
    { class: "panel stats-channels", "aria-labelledby": "channels-heading" },
    h("h2", { id: "channels-heading" }, t("stats.channels.title")),
    h(
      "div",
      { class: "table-wrap" },
      h(
        "table",
        { class: "responsive stats-channels-table" },
        h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("stats.channels.channel")), h("th", { scope: "col" }, labels.applications), h("th", { scope: "col" }, labels.queries))),
        h(
          "tbody",
          {},
          CHANNELS.map((name) => h("tr", { dataset: { channel: name } }, h("th", { scope: "row" }, t(`stats.channels.${name}`)), cell(applications, name, labels.applications), queryCell(name))),
        ),
      ),
    ),
  );
}

function procedureSection(procedure, months) {
  const id = `procedure-${procedure.code}`;
  const totals = procedure.totals;
  const steps = Object.entries(totals.step_days || {});
  return h(
    "section",
    { class: "panel stats-procedure", "aria-labelledby": id, dataset: { procedure: procedure.code } },
    h("h2", { id }, pick(procedure.name)),
    h(
      "dl",
      { class: "stats-totals" },
      SUMMARY.map((name) => h("div", { dataset: { figure: name, value: totals[name] === null || totals[name] === undefined ? "" : String(totals[name]) } }, h("dt", {}, t(`stats.figure.${name}`)), h("dd", {}, figure(totals, name)))),
    ),
    steps.length
      ? h(
          "p",
          { class: "stats-steps" },
          `${t("stats.stepDays")}: `,
          steps.map(([step, value], index) => [index ? "; " : "", pick(procedure.steps[step]) || step, " ", h("strong", { dataset: { step, value: value ?? "" } }, value === null ? t("stats.withheld") : formatNumber(value))]),
        )
      : null,
    h(
      "div",
      { class: "stats-charts" },
      chart(
        "volumes",
        months,
        VOLUMES.map((name) => procedure.months.map((row) => row[name])),
        VOLUMES,
        t("stats.volumesCaption"),
      ),
      chart(
        "days",
        months,
        DAYS.map((name) => procedure.months.map((row) => row[name])),
        DAYS,
        t("stats.daysCaption"),
      ),
    ),
    monthTable(procedure),
    assistedTable(procedure),
  );
}

function leagueTable(agencies) {
  const columns = ["within_deadline_share", "decisions", "out_of_order_share", "rating_average", "ratings"];
  return section(
    "league",
    t("stats.leagueTitle"),
    {},
    h("p", {}, t("stats.leagueLead")),
    h(
      "div",
      { class: "table-wrap" },
      h(
        "table",
        { class: "responsive stats-league" },
        h("caption", {}, t("stats.leagueCaption")),
        h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("stats.rank")), h("th", { scope: "col" }, t("stats.agency")), columns.map((name) => h("th", { scope: "col" }, t(`stats.figure.${name}`))))),
        h(
          "tbody",
          {},
          agencies.map((agency, index) =>
            h(
              "tr",
              { dataset: { agency: agency.code } },
              h("td", { "data-label": t("stats.rank") }, agency.totals.within_deadline_share === null ? "—" : String(index + 1)),
              h("th", { scope: "row" }, pick(agency.name), h("br"), h("span", { class: "muted mono" }, agency.code)),
              columns.map((name) => cell(agency.totals, name, t(`stats.figure.${name}`))),
            ),
          ),
        ),
      ),
    ),
  );
}

export async function render(view) {
  setTitle(t("stats.title"));
  const report = await get("/stats/procedures", { anonymous: true });
  const api = config().api;
  const query = `?from=${encodeURIComponent(report.from)}&to=${encodeURIComponent(report.to)}`;
  const byChannel = await get(`/stats/channels${query}`, { anonymous: true });
  const active = report.procedures.filter((procedure) => procedure.totals.started !== 0 || procedure.totals.submitted !== 0);
  append(
    view,
    ...pageHeading(t("stats.title"), t("stats.lead")),
    h("p", { class: "muted" }, t("stats.window", { from: monthLabel(report.from), to: monthLabel(report.to) })),
    notice("info", h("p", {}, t("stats.privacy", { threshold: report.threshold }))),
    h(
      "ul",
      { class: "stats-downloads" },
      h("li", {}, h("a", { href: `${api}/stats/procedures.csv${query}`, download: "" }, t("stats.downloadProcedures"))),
      h("li", {}, h("a", { href: `${api}/stats/agencies.csv${query}`, download: "" }, t("stats.downloadAgencies"))),
      h("li", {}, h("a", { href: `${api}/stats/centres.csv${query}`, download: "" }, t("stats.downloadCentres"))),
      h("li", {}, h("a", { href: `${api}/stats/channels.csv${query}`, download: "" }, t("stats.downloadChannels"))),
      h("li", {}, h("a", { href: `${api}/stats/procedures${query}` }, t("stats.downloadJson"))),
    ),
    leagueTable(report.agencies),
    channelTable(byChannel),
    active.length ? active.map((procedure) => procedureSection(procedure, report.months)) : notice("info", h("p", {}, t("stats.empty"))),
  );
}
