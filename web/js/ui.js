// Shared pieces of every page: headings, notices, status tags, fact lists, buttons.

import { h } from "./dom.js";
import { t } from "./i18n.js";

export function setTitle(text) {
  document.title = text ? `${text} · Ventanilla` : `Ventanilla · ${t("brand.tagline")}`;
}

export function pageHeading(text, lead) {
  return lead ? [h("h1", { tabindex: "-1", class: "page-title" }, text), h("p", { class: "lead" }, lead)] : [h("h1", { tabindex: "-1", class: "page-title" }, text)];
}

export function breadcrumbs(items) {
  return h(
    "nav",
    { class: "breadcrumbs", "aria-label": t("nav.breadcrumbs") },
    h(
      "ol",
      {},
      items.map(([label, href], index) => h("li", {}, href && index < items.length - 1 ? h("a", { href }, label) : h("span", { "aria-current": "page" }, label))),
    ),
  );
}

export function notice(kind, ...content) {
  const role = kind === "error" ? "alert" : "status";
  return h("div", { class: `notice notice-${kind}`, role }, ...content);
}

export function loading(text) {
  return h("p", { class: "loading", role: "status" }, h("span", { class: "spinner", "aria-hidden": "true" }), text || t("common.loading"));
}

const TONES = {
  draft: "neutral",
  submitted: "info",
  evidence_review: "warning",
  in_review: "info",
  changes_requested: "warning",
  awaiting_payment: "warning",
  deemed_approved: "success",
  issued: "success",
  rejected: "danger",
  withdrawn: "neutral",
  error: "danger",
};

export function statusTag(status) {
  return h("strong", { class: `tag tag-${TONES[status] || "neutral"}`, dataset: { status } }, statusLabel(status));
}

export function statusLabel(status) {
  return t(`status.${TONES[status] ? status : "unknown"}`);
}

// A definition list of [label, value] pairs; empty values are left out.
export function facts(pairs, className = "facts") {
  return h(
    "dl",
    { class: className },
    pairs.filter(([, value]) => value !== null && value !== undefined && value !== "").map(([label, value]) => h("div", { class: "fact" }, h("dt", {}, label), h("dd", {}, value))),
  );
}

// A section titled by its own h2, which also names it for assistive technology.
export function section(key, title, attrs, ...content) {
  return h("section", { ...attrs, "aria-labelledby": `${key}-heading` }, h("h2", { id: `${key}-heading` }, title), ...content);
}

// The page's main column and its aside: side by side on a wide screen, the aside below on a phone.
export function twoColumns(main, aside) {
  return h("div", { class: "two-columns" }, h("div", {}, main), aside);
}

export function button(label, { kind = "primary", type = "button", onclick, ...attrs } = {}) {
  return h("button", { type, class: `button button-${kind}`, onclick, ...attrs }, label);
}

export function linkButton(label, href, kind = "primary", attrs = {}) {
  return h("a", { href, class: `button button-${kind}`, role: null, ...attrs }, label);
}

// Run an action from a button: disabled and marked busy while it runs.
export async function whileBusy(control, action) {
  if (control.getAttribute("aria-disabled") === "true") return undefined;
  control.setAttribute("aria-disabled", "true");
  control.setAttribute("aria-busy", "true");
  control.classList.add("is-busy");
  try {
    return await action();
  } finally {
    control.removeAttribute("aria-disabled");
    control.removeAttribute("aria-busy");
    control.classList.remove("is-busy");
  }
}

// Polite announcements for screen readers (the live region lives in the layout).
export function announce(text) {
  const region = document.getElementById("announcer");
  if (!region) return;
  region.textContent = "";
  window.setTimeout(() => {
    region.textContent = text;
  }, 50);
}

export function printButton(label) {
  return button(label || t("common.print"), { kind: "secondary", class: "button button-secondary no-print", onclick: () => window.print() });
}

// +525512345678 → "+52 55 1234 5678" (other numbers as they are).
export function formatPhone(e164) {
  const match = /^\+52(\d{2})(\d{4})(\d{4})$/.exec(String(e164 || ""));
  return match ? `+52 ${match[1]} ${match[2]} ${match[3]}` : String(e164 || "");
}
