// Create an account with the CURP (Cognito SignUp), then confirm it with the code sent
// by SMS (ConfirmSignUp) and sign in.

import { post } from "../api.js";
import { CognitoError, confirmSignUp, resendCode, signIn, signUp } from "../auth.js";
import { config } from "../config.js";
import { normaliseCurp } from "../curp.js";
import { curpField } from "../curp-field.js";
import { append, h } from "../dom.js";
import { errorMessage } from "../errors.js";
import { checkedForm, fieldError, labelledField } from "../fields.js";
import { lang, t } from "../i18n.js";
import { privacyNotice, rememberAccepted } from "../privacy.js";
import { flash, navigate } from "../router.js";
import { announce, button, notice, pageHeading, setTitle, twoColumns, whileBusy } from "../ui.js";
import { afterSignIn, passwordField } from "./sign-in.js";

export function normalisePhone(raw) {
  const digits = String(raw || "").replace(/\D/g, "");
  if (digits.length === 10) return `+52${digits}`;
  if (digits.length === 12 && digits.startsWith("52")) return `+${digits}`;
  return null;
}

export function passwordProblems(password) {
  return {
    length: password.length >= 10,
    lower: /[a-z]/.test(password),
    upper: /[A-Z]/.test(password),
    digit: /\d/.test(password),
  };
}

function textField({ id, label, hint, autocomplete, inputmode, type = "text", className }) {
  const input = h("input", { type, id, name: id, autocomplete, inputmode, class: className, "aria-describedby": [hint ? `${id}-hint` : null, `${id}-error`].filter(Boolean).join(" ") });
  return labelledField({ id, label, hint, control: input, dataset: { field: id } });
}

export async function render(view, ctx) {
  setTitle(t("signUp.title"));
  if (ctx.query.confirmar) {
    renderConfirm(view, ctx, normaliseCurp(ctx.query.confirmar), null, null);
    return;
  }
  const formError = h("div", { "aria-live": "assertive" });
  const curp = curpField();
  const name = textField({ id: "name", label: t("signUp.name"), hint: t("signUp.nameHint"), autocomplete: "name" });
  const phone = textField({ id: "phone", label: t("signUp.phone"), hint: t("signUp.phoneHint"), autocomplete: "tel-national", inputmode: "tel", type: "tel", className: "input-short" });
  const password = passwordField({ id: "new-password", autocomplete: "new-password", label: t("signUp.password"), hint: t("signUp.passwordHint") });
  const confirm = passwordField({ id: "confirm-password", autocomplete: "new-password", label: t("signUp.confirmPassword") });
  const rules = h("ul", { class: "password-rules", id: "password-rules", "aria-label": t("signUp.passwordRules") });
  const drawRules = () => {
    const state = passwordProblems(password.input.value);
    rules.replaceChildren(...Object.entries(state).map(([rule, ok]) => h("li", { class: ok ? "rule-ok" : "rule-pending" }, h("span", { "aria-hidden": "true" }, ok ? "✓ " : "○ "), t(`signUp.rule.${rule}`), h("span", { class: "visually-hidden" }, ok ? ` (${t("signUp.rule.met")})` : ""))));
  };
  password.input.addEventListener("input", drawRules);
  drawRules();
  password.element.append(rules);
  const submit = button(t("signUp.submit"), { type: "submit" });
  const privacy = await privacyNotice().catch(() => null);
  const consent = consentField(privacy);

  const form = checkedForm(
    {},
    async () => {
      formError.replaceChildren();
      const problems = [];
      if (!curp.validate()) problems.push(curp.input);
      const fullName = name.input.value.trim().replace(/\s+/g, " ");
      name.setError(fullName.length >= 3 ? null : t("signUp.nameRequired"));
      if (fullName.length < 3) problems.push(name.input);
      const number = normalisePhone(phone.input.value);
      phone.setError(number ? null : t("signUp.phoneInvalid"));
      if (!number) problems.push(phone.input);
      const okPassword = Object.values(passwordProblems(password.input.value)).every(Boolean);
      password.setError(okPassword ? null : t("signUp.passwordWeak"));
      if (!okPassword) problems.push(password.input);
      const same = confirm.input.value === password.input.value;
      confirm.setError(same ? null : t("signUp.passwordMismatch"));
      if (okPassword && !same) problems.push(confirm.input);
      const accepted = consent.input.checked;
      consent.setError(accepted ? null : t("signUp.acceptRequired"));
      if (!accepted) problems.push(consent.input);
      if (problems.length) {
        announce(t("form.errorSummary"));
        problems[0].focus();
        return;
      }
      await whileBusy(submit, async () => {
        try {
          await signUp({ curp: curp.value(), password: password.input.value, phone: number, name: fullName, locale: lang() === "en" ? "en-US" : "es-MX" });
          view.replaceChildren();
          renderConfirm(view, ctx, curp.value(), password.input.value, number, privacy?.version ?? null);
        } catch (error) {
          if (error instanceof CognitoError && error.type === "UsernameExistsException") {
            curp.setError(t("cognitoError.UsernameExistsException"));
            curp.input.focus();
            return;
          }
          if (error instanceof CognitoError && error.type === "InvalidPasswordException") {
            password.setError(t("cognitoError.InvalidPasswordException"));
            password.input.focus();
            return;
          }
          formError.replaceChildren(notice("error", h("p", {}, errorMessage(error))));
          formError.querySelector(".notice")?.setAttribute("tabindex", "-1");
          formError.querySelector(".notice")?.focus();
        }
      });
    },
    curp.element,
    name.element,
    phone.element,
    password.element,
    confirm.element,
    h("p", { class: "muted" }, t("signUp.privacy")),
    consent.element,
    h("div", { class: "actions" }, submit),
  );
  const back = ctx.query.volver ? `?volver=${encodeURIComponent(ctx.query.volver)}` : "";
  append(view, 
    ...pageHeading(t("signUp.title"), t("signUp.lead")),
    twoColumns([formError, form], h("aside", {}, h("p", {}, t("signUp.haveAccount"), " ", h("a", { href: `#/entrar${back}` }, t("signUp.signIn"))))),
  );
}

// "I have read and accept the privacy notice (version N)": required; the notice opens in
// another tab so that what was typed stays.
function consentField(privacy) {
  const id = "privacy-accept";
  const input = h("input", { type: "checkbox", id, name: id, "aria-describedby": `${id}-hint ${id}-error` });
  const error = h("p", { class: "field-error", id: `${id}-error`, hidden: true });
  const label = privacy ? t("signUp.acceptNotice", { version: privacy.version }) : t("signUp.acceptNoticeUnversioned");
  const element = h(
    "div",
    { class: "field", dataset: { field: id } },
    error,
    h("div", { class: "choice" }, input, h("label", { for: id }, label)),
    h("p", { class: "hint", id: `${id}-hint` }, h("a", { href: "#/privacidad", target: "_blank", rel: "noopener" }, t("signUp.readNotice"))),
  );
  return { element, input, setError: fieldError(element, error, input) };
}

function renderConfirm(view, ctx, username, password, phone, version = null) {
  setTitle(t("confirm.title"));
  const formError = h("div", { "aria-live": "assertive" });
  const code = textField({ id: "code", label: t("confirm.code"), hint: t("confirm.codeHint"), autocomplete: "one-time-code", inputmode: "numeric", className: "input-short input-code" });
  const submit = button(t("confirm.submit"), { type: "submit" });
  const resend = h("button", { type: "button", class: "link-button" }, t("confirm.resend"));
  resend.addEventListener("click", async () => {
    try {
      await resendCode(username);
      formError.replaceChildren(notice("success", h("p", {}, t("confirm.resent"))));
    } catch (error) {
      formError.replaceChildren(notice("error", h("p", {}, errorMessage(error))));
    }
  });
  const masked = phone ? `+52 •••• ${phone.slice(-4)}` : null;
  const form = checkedForm(
    {},
    async () => {
      formError.replaceChildren();
      const value = code.input.value.replace(/\s/g, "");
      const ok = /^\d{6}$/.test(value);
      code.setError(ok ? null : t("confirm.codeInvalid"));
      if (!ok) return code.input.focus();
      await whileBusy(submit, async () => {
        try {
          await confirmSignUp(username, value);
          if (password) {
            const user = await signIn(username, password);
            // the acceptance given in the form, recorded once there is a session; should it
            // fail (the notice changed meanwhile), the notice is asked for again before any page
            if (version !== null) {
              await post("/me/privacy-notice", { version })
                .then(() => rememberAccepted(user.username))
                .catch(() => null);
            }
            flash(t("confirm.welcome"));
            afterSignIn(user, ctx.query);
          } else {
            flash(t("confirm.done"));
            navigate(`/entrar?curp=${encodeURIComponent(username)}`);
          }
        } catch (error) {
          if (error instanceof CognitoError && (error.type === "CodeMismatchException" || error.type === "ExpiredCodeException")) {
            code.setError(t(`cognitoError.${error.type}`));
            code.input.focus();
            return;
          }
          formError.replaceChildren(notice("error", h("p", {}, errorMessage(error))));
        }
      });
    },
    code.element,
    h("div", { class: "actions" }, submit, resend),
  );
  append(view, 
    ...pageHeading(t("confirm.title"), masked ? t("confirm.leadPhone", { phone: masked }) : t("confirm.lead")),
    config().sandbox ? notice("info", h("p", {}, t("confirm.sandbox"))) : null,
    formError,
    form,
  );
  if (password) view.querySelector("h1")?.focus();
}
