// One procedure before applying: requirements, fee, legal deadline and what the
// authority's silence means, all from the agency's published definition.

import { procedure } from "../api.js";
import { append, h } from "../dom.js";
import { formatMoney, pick, t, tn } from "../i18n.js";
import { agencyName, allSteps, field, fieldTitle, fileTypesText, formatAnswer, reviewSteps, silenceDetail, silenceSummary, sizeText } from "../procedures.js";
import { breadcrumbs, facts, linkButton, notice, pageHeading, section, setTitle, twoColumns } from "../ui.js";
import { efirmaHowTo } from "../signing.js";
import { feeText } from "./home.js";

export function conditionText(definition, condition) {
  if (condition && condition.op === "==" && typeof condition.fact === "string" && condition.fact.startsWith("form.")) {
    const name = condition.fact.slice(5);
    const schema = field(definition, name);
    return t("requirements.onlyIf", { question: fieldTitle(schema, name), answer: formatAnswer(schema, condition.value) });
  }
  return t("requirements.someCases");
}

export function validityText(days) {
  if (days % 365 === 0) return tn("years", days / 365);
  return tn("days.calendar", days);
}

export function requirementItem(definition, requirement) {
  return h(
    "li",
    { dataset: { requirement: requirement.code } },
    h("strong", {}, pick(requirement.name)),
    requirement.optional ? ` ${t("form.optional")}` : null,
    requirement.help ? h("br") : null,
    requirement.help ? pick(requirement.help) : null,
    h("br"),
    h("span", { class: "muted" }, t("requirements.format", { types: fileTypesText(requirement.content_types), size: sizeText(requirement.max_bytes) })),
    requirement.required_when ? [h("br"), h("span", { class: "muted" }, conditionText(definition, requirement.required_when))] : null,
  );
}

// One review's legal deadline: who, how many business days, and what their silence means.
export function deadlineItem(definition, id, step) {
  return h("li", { dataset: { step: id } }, h("strong", {}, pick(step.name)), ` — ${agencyName(definition, step.agency)}: `, tn("days.business", step.deadline_days), h("br"), silenceDetail(step));
}

// One line under each step's name: who and how long, what to pay, what you receive.
function stepNote(definition, step) {
  switch (step.type) {
    case "review":
      return `${agencyName(definition, step.agency)} · ${tn("days.business", step.deadline_days)}`;
    case "payment":
      return `${feeText(definition.fee)} · ${t("stepType.payment")}`;
    case "issue":
      return `${pick(step.document.title)} · ${t("procedure.validity", { period: validityText(step.document.valid_days) })}`;
    default:
      return "";
  }
}

function stepItem(definition, id, step) {
  const note = stepNote(definition, step);
  return h("li", { dataset: { step: id } }, h("strong", {}, pick(step.name)), note ? [h("br"), h("span", { class: "muted" }, note)] : null);
}

export async function render(view, ctx) {
  const detail = await procedure(ctx.params.code);
  const definition = detail.definition;
  const name = pick(definition.name);
  setTitle(name);
  const reviews = reviewSteps(definition);
  const issue = [...allSteps(definition).values()].find((step) => step.type === "issue");
  const fee = definition.fee || {};
  const steps = [...allSteps(definition)].filter(([, step]) => step.type !== "choice" && step.type !== "parallel");
  // Filing is signed with the holder's e.firma: say so, and how to get one, before they start.
  const efirma = detail.identity === "efirma";

  const deadlines = reviews.map(([id, step]) => deadlineItem(definition, id, step));

  append(view, 
    breadcrumbs([
      [t("nav.catalogue"), "#/"],
      [name, null],
    ]),
    ...pageHeading(name, pick(definition.description)),
    h("p", {}, `${t("procedure.agency")}: `, h("strong", {}, agencyName(definition, definition.agency))),
    twoColumns(
      [
        section(
          "before",
          t("procedure.before"),
          { class: "panel" },
          facts([
            [t("procedure.fee"), h("span", {}, h("strong", { class: "fee" }, feeText(fee)), fee.concept ? h("span", { class: "muted" }, ` — ${pick(fee.concept)}`) : null)],
            [t("procedure.expected"), tn("days.business", definition.expected_days)],
            [t("procedure.legalDeadline"), reviews.length ? h("ul", { class: "plain" }, deadlines) : t("procedure.noReview")],
            [t("procedure.silence"), h("strong", { class: "silence" }, silenceSummary(definition))],
            issue ? [t("procedure.document"), `${pick(issue.document.title)} — ${t("procedure.validity", { period: validityText(issue.document.valid_days) })}`] : [null, null],
            [t("procedure.identity"), efirma ? h("strong", { dataset: { identity: "efirma" } }, t("procedure.identityEfirma")) : t("procedure.identityPassword")],
            [t("procedure.legalBasis"), pick(definition.legal_basis)],
          ]),
        ),
        efirma ? section("efirma", t("procedure.efirmaTitle"), { class: "panel", dataset: { identity: "efirma" } }, h("p", {}, h("strong", {}, t("procedure.efirmaBody"))), h("h3", {}, t("efirmaHelp.title")), ...efirmaHowTo()) : null,
        section(
          "requirements",
          t("procedure.requirements"),
          {},
          h("p", {}, t("procedure.requirementsLead")),
          h("ul", { class: "requirements" }, definition.requirements.map((requirement) => requirementItem(definition, requirement))),
        ),
        section("steps", t("procedure.steps"), {}, h("ol", { class: "steps-list" }, steps.map(([id, step]) => stepItem(definition, id, step)))),
      ],
      h(
        "aside",
        {},
        section(
          "start",
          t("procedure.startTitle"),
          { class: "panel panel-accent" },
          h("p", {}, t("procedure.startBody")),
          efirma ? h("p", { dataset: { identity: "efirma" } }, h("strong", {}, t("procedure.startEfirma"))) : null,
          h("p", { class: "muted" }, t("procedure.total", { amount: fee.amount !== undefined ? formatMoney(fee.amount) : feeText(fee) })),
          linkButton(t("procedure.start"), `#/tramites/${encodeURIComponent(detail.code)}/solicitar`),
        ),
        notice("info", h("p", {}, t("procedure.noIntermediaries"))),
      ),
    ),
  );
}
