// Public consultations on procedures: the list, and one draft's page — what it changes
// against the published version (each value, then the whole diff), the comments anyone
// signed in made and the agency's answer to each. The page stays after publication.
//
// API: GET /consultations → {consultations: [{code, number, name, agency_name, status,
// opened_at, closes_on?}]}; GET /consultations/{code}/{number} → {code, number, name,
// agency, agency_name, status, base_version, opened_at, closes_on?, published_version?,
// effective_from?, changes: [{path, kind, before?, after?}], diff: [lines], comments: [{id,
// author|null, text, at, answer: {text, at}|null}]}; POST /procedures/{code}/drafts/{n}/comments
// {text, anonymous}; POST …/comments/{id}/answer {text} (the agency's supervisors, its publishers, admins).

import { get, post } from "../api.js";
import { changesTable, diffBlock } from "../changes-view.js";
import { append, h } from "../dom.js";
import { errorMessage } from "../errors.js";
import { checkedForm } from "../fields.js";
import { formatDateTime, formatDay, pick, t, tn } from "../i18n.js";
import { moreButton, paged } from "../more.js";
import { refresh } from "../router.js";
import { breadcrumbs, button, facts, notice, pageHeading, section, setTitle } from "../ui.js";

const path = (code, number) => `/consultations/${encodeURIComponent(code)}/${encodeURIComponent(number)}`;
const draftPath = (code, number) => `/procedures/${encodeURIComponent(code)}/drafts/${encodeURIComponent(number)}`;

function statusTag(status) {
  return h("strong", { class: `tag ${status === "consultation" ? "tag-success" : "tag-neutral"}`, dataset: { status } }, t(`consultation.status.${status}`));
}

function mayAnswer(session, page) {
  // the agency's supervisors, the national admins and the procedure's jurisdiction's publishers
  const jurisdiction = page.jurisdiction.municipality || page.jurisdiction.state;
  const groups = ["admin", `supervisor-${page.agency}`, ...(jurisdiction ? [`admin-${jurisdiction}`] : [])];
  return Boolean(session && groups.some((group) => session.groups.includes(group)));
}

function answerForm(page, comment) {
  const id = `answer-${comment.id.replace(/[^\w-]/g, "")}`;
  const text = h("textarea", { id, rows: "3", maxlength: "4000" });
  const problem = h("p", { class: "field-error", role: "alert", hidden: true });
  return checkedForm(
    { class: "answer-form" },
    async () => {
      problem.hidden = true;
      try {
        await post(`${draftPath(page.code, page.number)}/comments/${encodeURIComponent(comment.id)}/answer`, { text: text.value });
        await refresh();
      } catch (error) {
        problem.textContent = errorMessage(error);
        problem.hidden = false;
      }
    },
    h("div", { class: "field" }, h("label", { class: "label", for: id }, t("consultation.answerLabel")), problem, text),
    button(t("consultation.answerSubmit"), { type: "submit", kind: "secondary" }),
  );
}

function commentItem(page, comment, session) {
  return h(
    "li",
    { class: "card comment", dataset: { comment: comment.id } },
    h("p", { class: "muted" }, h("strong", {}, comment.author || t("consultation.anonymous")), " · ", h("time", { datetime: comment.at }, formatDateTime(comment.at))),
    h("p", { class: "comment-text" }, comment.text),
    comment.answer
      ? h(
          "div",
          { class: "answer", dataset: { answered: "true" } },
          h("p", { class: "answer-heading" }, h("strong", {}, t("consultation.agencyAnswer", { agency: pick(page.agency_name) })), " · ", h("time", { datetime: comment.answer.at }, formatDateTime(comment.answer.at))),
          h("p", {}, comment.answer.text),
        )
      : mayAnswer(session, page)
        ? answerForm(page, comment)
        : h("p", { class: "muted", dataset: { answered: "false" } }, t("consultation.awaitingAnswer")),
  );
}

function commentForm(page, session) {
  if (page.status !== "consultation") return notice("info", h("p", {}, t("consultation.closed")));
  if (!session) {
    const back = encodeURIComponent(`/consultas/${page.code}/${page.number}`);
    return notice("info", h("p", {}, t("consultation.signInToComment"), " ", h("a", { href: `#/entrar?volver=${back}` }, t("nav.signIn"))));
  }
  const text = h("textarea", { id: "comment-text", rows: "4", maxlength: "4000", "aria-describedby": "comment-hint" });
  const anonymous = h("input", { type: "checkbox", id: "comment-anonymous" });
  const problem = h("p", { class: "field-error", role: "alert", hidden: true });
  return checkedForm(
    { class: "panel", dataset: { feature: "comment" } },
    async () => {
      problem.hidden = true;
      try {
        await post(`${draftPath(page.code, page.number)}/comments`, { text: text.value, anonymous: anonymous.checked });
        await refresh();
      } catch (error) {
        problem.textContent = errorMessage(error);
        problem.hidden = false;
      }
    },
    h(
      "div",
      { class: "field" },
      h("label", { class: "label", for: "comment-text" }, t("consultation.commentLabel")),
      h("p", { class: "hint", id: "comment-hint" }, t("consultation.commentHint")),
      problem,
      text,
    ),
    h("div", { class: "choice" }, anonymous, h("label", { for: "comment-anonymous" }, t("consultation.anonymousLabel"))),
    button(t("consultation.commentSubmit"), { type: "submit", kind: "green" }),
  );
}

function consultationItem(item) {
  return h(
    "li",
    { class: "card", dataset: { code: item.code, number: String(item.number) } },
    h("h2", {}, h("a", { href: `#/consultas/${encodeURIComponent(item.code)}/${item.number}` }, pick(item.name))),
    h("p", {}, pick(item.agency_name), " · ", statusTag(item.status)),
    item.closes_on ? h("p", { class: "muted" }, t("consultation.closesOn", { day: formatDay(item.closes_on) })) : null,
  );
}

async function renderList(view) {
  setTitle(t("consultation.listTitle"));
  const first = await get("/consultations", { anonymous: true });
  const list = h("ul", { class: "plain consultations" }, first.consultations.map(consultationItem));
  const more = moreButton(
    list,
    async (cursor) => {
      const page = await get(paged("/consultations", cursor), { anonymous: true });
      return { nodes: page.consultations.map(consultationItem), cursor: page.next_cursor };
    },
    first.next_cursor,
  );
  append(
    view,
    breadcrumbs([[t("nav.catalogue"), "#/"], [t("consultation.listTitle")]]),
    pageHeading(t("consultation.listTitle"), t("consultation.listLead")),
    first.consultations.length ? [list, more] : notice("info", h("p", {}, t("consultation.none"))),
  );
}

export async function render(view, ctx) {
  if (!ctx.params.code) return renderList(view);
  const page = await get(path(ctx.params.code, ctx.params.number), { anonymous: true });
  const name = pick(page.name);
  setTitle(t("consultation.title", { name }));
  const unanswered = page.comments.filter((comment) => !comment.answer).length;
  append(
    view,
    breadcrumbs([[t("nav.catalogue"), "#/"], [t("consultation.listTitle"), "#/consultas"], [name]]),
    pageHeading(t("consultation.title", { name }), t("consultation.lead", { agency: pick(page.agency_name) })),
    h(
      "div",
      { class: "panel", dataset: { status: page.status } },
      facts([
        [t("consultation.statusLabel"), statusTag(page.status)],
        [t("consultation.againstVersion"), page.base_version ? String(page.base_version) : t("consultation.newProcedure")],
        [t("consultation.openedAt"), page.opened_at ? formatDateTime(page.opened_at) : null],
        [t("consultation.closesOnLabel"), page.closes_on ? formatDay(page.closes_on) : null],
        [t("consultation.publishedVersion"), page.published_version ? String(page.published_version) : null],
        [t("consultation.effectiveFrom"), page.effective_from && page.status !== "consultation" ? formatDateTime(page.effective_from) : null],
      ]),
    ),
    section("changes", t("consultation.changesTitle"), {}, changesTable(page.changes), page.diff.length ? diffBlock(page.diff) : null),
    section(
      "comments",
      t("consultation.commentsTitle"),
      {},
      h("p", { class: "muted" }, tn("consultation.commentCount", page.comments.length), unanswered ? ` · ${tn("consultation.unansweredCount", unanswered)}` : ""),
      page.comments.length ? h("ol", { class: "plain comments" }, page.comments.map((comment) => commentItem(page, comment, ctx.session))) : null,
      commentForm(page, ctx.session),
    ),
  );
}
