// Sign in: citizens with their CURP (#/entrar), agency staff with their user name
// (#/entrar/personal). Both go through Cognito's USER_PASSWORD_AUTH.

import { CognitoError, session, signIn } from "../auth.js";
import { curpField } from "../curp-field.js";
import { append, h } from "../dom.js";
import { errorMessage } from "../errors.js";
import { t } from "../i18n.js";
import { navigate } from "../router.js";
import { button, notice, pageHeading, setTitle, whileBusy } from "../ui.js";

export function safeReturn(path) {
  return typeof path === "string" && /^\/[\w\-/%?=&.]*$/.test(path) && !path.startsWith("//") ? path : null;
}

export function passwordField({ id = "password", autocomplete = "current-password", label, hint } = {}) {
  const input = h("input", { type: "password", id, name: id, autocomplete, "aria-describedby": `${id}-error${hint ? ` ${id}-hint` : ""}` });
  const error = h("p", { class: "field-error", id: `${id}-error`, hidden: true });
  const toggle = h("button", { type: "button", class: "link-button", "aria-controls": id, "aria-pressed": "false" }, t("password.show"));
  toggle.addEventListener("click", () => {
    const showing = input.type === "text";
    input.type = showing ? "password" : "text";
    toggle.setAttribute("aria-pressed", String(!showing));
    toggle.textContent = t(showing ? "password.show" : "password.hide");
  });
  const element = h(
    "div",
    { class: "field", dataset: { field: id } },
    h("label", { class: "label", for: id }, label || t("password.label")),
    hint ? h("p", { class: "hint", id: `${id}-hint` }, hint) : null,
    error,
    input,
    h("p", { class: "field-status" }, toggle),
  );
  const setError = (message) => {
    element.classList.toggle("field-invalid", Boolean(message));
    error.hidden = !message;
    error.textContent = message || "";
    if (message) input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
  };
  return { element, input, setError };
}

export function afterSignIn(user, query) {
  const back = safeReturn(query.volver);
  if (back) return navigate(back, { replace: true });
  return navigate(user.isOfficial ? "/oficina" : user.isCitizen ? "/mi-expediente" : user.isAssistant ? "/centro" : "/", { replace: true });
}

export async function render(view, ctx) {
  const staff = ctx.pathname === "/entrar/personal";
  setTitle(t(staff ? "signIn.staffTitle" : "signIn.title"));
  const current = session();
  if (current) {
    append(view, 
      ...pageHeading(t(staff ? "signIn.staffTitle" : "signIn.title")),
      notice("info", h("p", {}, t("signIn.already", { user: current.username }))),
      h("p", {}, h("a", { href: current.isOfficial ? "#/oficina" : "#/mi-expediente" }, t(current.isOfficial ? "nav.office" : "nav.record"))),
    );
    return;
  }

  const formError = h("div", { "aria-live": "assertive" });
  let identity;
  let readUsername;
  if (staff) {
    const input = h("input", { type: "text", id: "username", name: "username", autocomplete: "username", spellcheck: "false", autocapitalize: "none", "aria-describedby": "username-error" });
    const error = h("p", { class: "field-error", id: "username-error", hidden: true });
    const element = h("div", { class: "field", dataset: { field: "username" } }, h("label", { class: "label", for: "username" }, t("signIn.username")), error, input);
    identity = {
      element,
      input,
      validate: () => {
        const ok = input.value.trim().length > 0;
        element.classList.toggle("field-invalid", !ok);
        error.hidden = ok;
        error.textContent = ok ? "" : t("signIn.usernameRequired");
        if (ok) input.removeAttribute("aria-invalid");
        else input.setAttribute("aria-invalid", "true");
        return ok;
      },
    };
    readUsername = () => input.value.trim();
  } else {
    identity = curpField({ value: ctx.query.curp || "" });
    readUsername = () => identity.value();
  }
  const password = passwordField();
  const submit = button(t("signIn.submit"), { type: "submit" });

  const form = h(
    "form",
    {
      novalidate: true,
      onsubmit: async (event) => {
        event.preventDefault();
        formError.replaceChildren();
        const okIdentity = identity.validate();
        const okPassword = password.input.value.length > 0;
        password.setError(okPassword ? null : t("password.required"));
        if (!okIdentity) return identity.input.focus();
        if (!okPassword) return password.input.focus();
        await whileBusy(submit, async () => {
          try {
            const user = await signIn(readUsername(), password.input.value);
            afterSignIn(user, ctx.query);
          } catch (error) {
            if (error instanceof CognitoError && error.type === "UserNotConfirmedException") {
              navigate(`/registro?confirmar=${encodeURIComponent(readUsername())}`);
              return;
            }
            formError.replaceChildren(notice("error", h("p", {}, errorMessage(error))));
            password.input.value = "";
            password.input.focus();
          }
        });
      },
    },
    identity.element,
    password.element,
    h("div", { class: "actions" }, submit),
  );

  append(view, 
    ...pageHeading(t(staff ? "signIn.staffTitle" : "signIn.title"), t(staff ? "signIn.staffLead" : "signIn.lead")),
    ctx.query.volver ? notice("info", h("p", {}, t("signIn.needed"))) : null,
    h("div", { class: "two-columns" }, h("div", {}, formError, form), staff ? h("aside", {}, h("p", {}, h("a", { href: "#/entrar" }, t("signIn.citizenLink")))) : registerAside(ctx)),
  );
}

function registerAside(ctx) {
  const back = ctx.query.volver ? `?volver=${encodeURIComponent(ctx.query.volver)}` : "";
  return h(
    "aside",
    {},
    h(
      "section",
      { class: "panel", "aria-labelledby": "register-heading" },
      h("h2", { id: "register-heading" }, t("signIn.noAccount")),
      h("p", {}, t("signIn.noAccountBody")),
      h("p", {}, h("a", { href: `#/registro${back}`, class: "button button-secondary" }, t("signIn.register"))),
    ),
    h("p", {}, h("a", { href: "#/entrar/personal" }, t("signIn.staffLink"))),
  );
}
