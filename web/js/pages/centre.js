// The community centre's page (assistants, group assistant-<centre>): ask a person for
// permission by CURP — a code texted to their phone, or one they generated in their
// account —, confirm it, and start procedures for them. Everything done here is in the
// person's timeline with the assistant's name and centre; they can withdraw it at once.
// A call-centre agent (callcentre-<centre>) uses the same page, titled as a call centre and
// without the account code: by phone only the texted code counts.

import { catalogue, get, post } from "../api.js";
import { curpField } from "../curp-field.js";
import { append, h } from "../dom.js";
import { errorMessage } from "../errors.js";
import { checkedForm } from "../fields.js";
import { formatDateTime, pick, t } from "../i18n.js";
import { moreButton, paged } from "../more.js";
import { navigate, refresh } from "../router.js";
import { announce, button, facts, notice, pageHeading, setTitle, whileBusy } from "../ui.js";

function codeInput(id, label) {
  const input = h("input", { type: "text", id, inputmode: "numeric", autocomplete: "one-time-code", maxlength: "6", class: "input-code", pattern: "[0-9]{6}" });
  return { input, element: h("div", { class: "field" }, h("label", { class: "label", for: id }, label), input) };
}

function requestForm(byPhone) {
  const curp = curpField({ id: "person-curp", hint: false });
  const code = codeInput("person-code", t("centre.ownCode"));
  code.element.hidden = byPhone;
  const problem = h("div", { "aria-live": "assertive" });
  const submit = button(t("centre.ask"), { type: "submit" });
  return checkedForm(
    { class: "panel", "aria-labelledby": "ask-heading" },
    () => {
      if (!curp.validate()) return;
      whileBusy(submit, async () => {
        problem.replaceChildren();
        try {
          const body = code.input.value.trim() ? { curp: curp.value(), code: code.input.value.trim() } : { curp: curp.value() };
          const delegation = await post("/delegations", body);
          lastTouched = delegation;
          announce(t(delegation.status === "active" ? "centre.granted" : "centre.codeSent", { phone: delegation.phone || "" }));
          await refresh();
        } catch (error) {
          problem.replaceChildren(notice("error", h("p", {}, errorMessage(error))));
        }
      });
    },
    h("h2", { id: "ask-heading" }, t("centre.askTitle")),
    h("p", {}, t(byPhone ? "centre.askLeadPhone" : "centre.askLead")),
    problem,
    curp.element,
    code.element,
    h("div", { class: "actions" }, submit),
  );
}

function confirmForm(delegation) {
  const code = codeInput(`code-${delegation.id}`, t("centre.smsCode"));
  const problem = h("div", { "aria-live": "assertive" });
  const submit = button(t("centre.confirm"), { type: "submit" });
  return checkedForm(
    {},
    () => {
      whileBusy(submit, async () => {
        problem.replaceChildren();
        try {
          lastTouched = await post(`/delegations/${encodeURIComponent(delegation.id)}/confirm`, { code: code.input.value.trim() });
          announce(t("centre.granted"));
          await refresh();
        } catch (error) {
          problem.replaceChildren(notice("error", h("p", {}, errorMessage(error))));
        }
      });
    },
    problem,
    code.element,
    h("div", { class: "actions" }, submit),
  );
}

function startForm(delegation, procedures) {
  const id = `procedure-${delegation.id}`;
  const select = h("select", { id }, procedures.map((item) => h("option", { value: item.code }, pick(item.name))));
  return h(
    "form",
    {
      onsubmit: (event) => {
        event.preventDefault();
        navigate(`/tramites/${encodeURIComponent(select.value)}/solicitar?para=${encodeURIComponent(delegation.curp)}`);
      },
    },
    h("div", { class: "field" }, h("label", { class: "label", for: id }, t("centre.procedure")), select),
    h("div", { class: "actions" }, button(t("centre.start"), { type: "submit" })),
  );
}

function card(delegation, procedures) {
  return h(
    "li",
    { class: "card", dataset: { delegation: delegation.id, status: delegation.status } },
    h("h3", {}, h("span", { class: "mono" }, delegation.curp)),
    facts([
      [t("delegations.status"), t(`delegations.state.${delegation.status}`)],
      [t("delegations.since"), delegation.confirmed_at ? formatDateTime(delegation.confirmed_at) : null],
      [t("delegations.until"), delegation.status === "active" && delegation.expires_at ? formatDateTime(delegation.expires_at) : null],
      [
        t("delegations.filed"),
        delegation.applications?.length
          ? h(
              "span",
              {},
              delegation.applications.map((id, index) => [index ? ", " : "", h("a", { href: `#/solicitudes/${encodeURIComponent(id)}`, class: "mono" }, id)]),
            )
          : t("delegations.none"),
      ],
    ]),
    delegation.status === "pending" ? confirmForm(delegation) : null,
    delegation.status === "active" ? startForm(delegation, procedures) : null,
  );
}

// The delegation this page last asked for or confirmed: the list is ordered by CURP, so it
// may sit on a later page, and the assistant's next step (the code, a procedure) is on its card.
let lastTouched = null;

const isLive = (delegation) => delegation.status === "active" || delegation.status === "pending";

export async function render(view, ctx) {
  const byPhone = Boolean(ctx.session?.isAgent);
  const title = t(byPhone ? "centre.callCentre" : "centre.title");
  setTitle(title);
  const [mine, procedures] = await Promise.all([get("/delegations"), catalogue()]);
  const shown = new Set();
  const fresh = (items) => items.filter((item) => !shown.has(item.id) && shown.add(item.id));
  const listed = [...(mine.delegations || [])].reverse();
  const touched = lastTouched && !listed.some((item) => item.id === lastTouched.id) ? [lastTouched] : [];
  const first = fresh([...touched, ...listed]);
  const liveList = h("ul", { class: "cards", "aria-labelledby": "people-heading" });
  const pastList = h("ul", { class: "cards" });
  const pastSummary = h("summary", {});
  const past = h("details", {}, pastSummary, pastList);
  const nobody = h("p", { class: "muted" }, t("centre.nobody"));
  const place = (items) => {
    pastList.append(...items.filter((item) => !isLive(item)).map((item) => card(item, procedures)));
    pastSummary.textContent = t("centre.past", { n: pastList.children.length });
    past.hidden = !pastList.children.length;
    const live = items.filter(isLive).map((item) => card(item, procedures));
    nobody.hidden = Boolean(liveList.children.length || live.length);
    return live;
  };
  liveList.append(...place(first));
  // Later pages: the ended ones join the list under "past", the others are added here.
  const more = moreButton(
    liveList,
    async (cursor) => {
      const page = await get(paged("/delegations", cursor));
      return { nodes: place(fresh(page.delegations || [])), cursor: page.next_cursor };
    },
    mine.next_cursor,
  );
  append(
    view,
    ...pageHeading(title, t(byPhone ? "centre.leadPhone" : "centre.lead", { centre: (ctx.session?.centres || []).join(", ") })),
    notice("info", h("p", {}, t("centre.free")), h("p", { dataset: { feature: "privacy-notice" } }, t(byPhone ? "centre.privacyNoticePhone" : "centre.privacyNotice"), " ", h("a", { href: "#/privacidad" }, t("centre.privacyNoticeLink")))),
    requestForm(byPhone),
    h("h2", { id: "people-heading" }, t("centre.people")),
    nobody,
    liveList,
    more,
    past,
  );
}
