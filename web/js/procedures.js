// Reading a procedure definition (the agency's JSON): steps, deadlines, what silence means.

import { lang, pick, t, tn } from "./i18n.js";

// Every step by id, including those inside parallel branches, in definition order.
export function allSteps(definition) {
  const out = new Map();
  const walk = (steps) => {
    for (const [id, step] of Object.entries(steps || {})) {
      out.set(id, step);
      for (const branch of step.branches || []) walk(branch.steps);
    }
  };
  walk(definition?.steps);
  return out;
}

export function reviewSteps(definition) {
  return [...allSteps(definition)].filter(([, step]) => step.type === "review");
}

// What happens when the authority does not answer in time, after any escalation.
export function silenceOutcome(step) {
  return step.on_deadline === "escalate" ? step.after_escalation || "negativa_ficta" : step.on_deadline;
}

export function silenceSummary(definition) {
  const outcomes = new Set(reviewSteps(definition).map(([, step]) => silenceOutcome(step)));
  if (outcomes.size === 0) return t("silence.none");
  if (outcomes.size > 1) return t("silence.mixed");
  return t(`silence.${[...outcomes][0]}`);
}

export function deadlineText(step) {
  const parts = [tn("days.business", step.deadline_days)];
  return parts.join(" ");
}

export function silenceDetail(step) {
  if (step.on_deadline === "escalate") {
    return t("silence.escalate_detail", {
      days: tn("days.business", step.escalation_days || step.deadline_days),
      outcome: t(`silence.${silenceOutcome(step)}`),
    });
  }
  return t(`silence.${step.on_deadline}_detail`);
}

export function agencyName(definition, code) {
  if (!code) return "";
  const name = definition?.agencies?.[code];
  return name ? pick(name) : code;
}

export function stepName(definition, stepId) {
  if (!stepId) return "";
  const step = allSteps(definition).get(stepId);
  return step ? pick(step.name) : "";
}

export function field(definition, name) {
  return definition?.form?.properties?.[name];
}

export function fieldTitle(schema, name) {
  if (!schema) return name;
  return (lang() === "en" && schema["x-i18n"]?.en?.title) || schema.title || name;
}

export function fieldDescription(schema) {
  if (!schema) return "";
  return (lang() === "en" && schema["x-i18n"]?.en?.description) || schema.description || "";
}

export function formatAnswer(schema, value) {
  if ((value === undefined || value === null) && schema?.default !== undefined) return formatAnswer(null, schema.default);
  if (value === true) return t("common.yes");
  if (value === false) return t("common.no");
  if (value === null || value === undefined || value === "") return "—";
  return String(value);
}

export function fileTypesText(contentTypes) {
  return contentTypes.map((type) => t(`filetype.${type}`)).join(", ");
}

export function sizeText(bytes) {
  if (bytes >= 1024 * 1024) return t("size.mb", { n: Math.round((bytes / (1024 * 1024)) * 10) / 10 });
  return t("size.kb", { n: Math.max(1, Math.round(bytes / 1024)) });
}
