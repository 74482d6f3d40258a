// Sign in: citizens with their CURP (#/entrar), agency staff with their user name
// (#/entrar/personal). Both go through Cognito's USER_PASSWORD_AUTH.

import { CognitoError, session, signIn } from "../auth.js";
import { curpField } from "../curp-field.js";
import { append, h } from "../dom.js";
import { errorMessage } from "../errors.js";
import { checkedForm, labelledField } from "../fields.js";
import { t } from "../i18n.js";
import { navigate } from "../router.js";
import { button, notice, pageHeading, section, setTitle, twoColumns, whileBusy } from "../ui.js";

export function safeReturn(path) {
  return typeof path === "string" && /^\/[\w\-/%?=&.]*$/.test(path) && !path.startsWith("//") ? path : null;
}

export function passwordField({ id = "password", autocomplete = "current-password", label, hint } = {}) {
  const input = h("input", { type: "password", id, name: id, autocomplete, "aria-describedby": `${id}-error${hint ? ` ${id}-hint` : ""}` });
  const toggle = h("button", { type: "button", class: "link-button", "aria-controls": id, "aria-pressed": "false" }, t("password.show"));
  toggle.addEventListener("click", () => {
    const showing = input.type === "text";
    input.type = showing ? "password" : "text";
    toggle.setAttribute("aria-pressed", String(!showing));
    toggle.textContent = t(showing ? "password.show" : "password.hide");
  });
  return labelledField({ id, label: label || t("password.label"), hint, control: input, after: h("p", { class: "field-status" }, toggle), dataset: { field: id } });
}

export function afterSignIn(user, query) {
  const back = safeReturn(query.volver);
  if (back) return navigate(back, { replace: true });
  return navigate(user.isOfficial ? "/oficina" : user.isCitizen ? "/mi-expediente" : user.isAssistant ? "/centro" : user.isPrivacyOfficer ? "/privacidad/solicitudes" : "/", { replace: true });
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
    const { element, setError } = labelledField({ id: "username", label: t("signIn.username"), control: input, dataset: { field: "username" } });
    identity = {
      element,
      input,
      validate: () => {
        const ok = input.value.trim().length > 0;
        setError(ok ? null : t("signIn.usernameRequired"));
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

  const form = checkedForm(
    {},
    async () => {
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
    identity.element,
    password.element,
    h("div", { class: "actions" }, submit),
  );

  append(view, 
    ...pageHeading(t(staff ? "signIn.staffTitle" : "signIn.title"), t(staff ? "signIn.staffLead" : "signIn.lead")),
    ctx.query.volver ? notice("info", h("p", {}, t("signIn.needed"))) : null,
    twoColumns([formError, form], staff ? h("aside", {}, h("p", {}, h("a", { href: "#/entrar" }, t("signIn.citizenLink")))) : registerAside(ctx)),
  );
}

function registerAside(ctx) {
  const back = ctx.query.volver ? `?volver=${encodeURIComponent(ctx.query.volver)}` : "";
  return h(
    "aside",
    {},
    section(
      "register",
      t("signIn.noAccount"),
      { class: "panel" },
      h("p", {}, t("signIn.noAccountBody")),
      h("p", {}, h("a", { href: `#/registro${back}`, class: "button button-secondary" }, t("signIn.register"))),
    ),
    h("p", {}, h("a", { href: "#/entrar/personal" }, t("signIn.staffLink"))),
  );
}
