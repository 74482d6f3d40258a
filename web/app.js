// Ventanilla's web frontend: plain ES modules, no build step. Reads /config.json, loads
// the Spanish and English dictionaries, draws the layout and starts the hash router.

import { onSessionChange, session, signOut } from "./js/auth.js";
import { config, loadConfig } from "./js/config.js";
import { endKioskSession, endedBecause, kioskOn, startKiosk } from "./js/kiosk.js";
import { h } from "./js/dom.js";
import { lang, loadDictionaries, onLangChange, otherLang, setLang, t } from "./js/i18n.js";
import { privacyGate } from "./js/privacy.js";
import { currentPath, flash, navigate, refresh, route, setGate, start } from "./js/router.js";

const page = (name) => () => import(`./js/pages/${name}.js`);

route("/", page("home"));
route("/tramites/:code", page("procedure"));
route("/tramites/:code/solicitar", page("apply"), { auth: "holder" });
route("/entrar", page("sign-in"));
route("/entrar/personal", page("sign-in"));
route("/registro", page("sign-up"));
route("/mi-expediente", page("record"), { auth: "citizen" });
route("/mi-expediente/efirma", page("efirma-link"), { auth: "citizen" });
route("/mi-expediente/datos", page("data-use"), { auth: "citizen" });
route("/solicitudes/:id", page("application"), { auth: "holder" });
route("/applications/:id", page("application"), { auth: "citizen" }); // the link in status SMS
route("/solicitudes/:id/editar", page("apply"), { auth: "holder" });
route("/solicitudes/:id/documentos", page("documents"), { auth: "holder" });
route("/solicitudes/:id/pago", page("payment"), { auth: "holder" });
route("/centro", page("centre"), { auth: "assistant" });
route("/documentos/:id", page("credential"), { auth: "citizen" });
route("/estadisticas", page("stats"));
route("/verificar", page("verify"));
route("/consultas", page("consultation"));
route("/consultas/:code/:number", page("consultation"));
route("/verificar/:id", page("verify"));
route("/verify/:id", page("verify")); // what the QR code's API link redirects to
route("/oficina", page("office"), { auth: "official" });
route("/oficina/solicitudes/:id", page("review"), { auth: "official" });
route("/oficina/efirma", page("efirma-link"), { auth: "official" });
route("/publicar", page("publish"), { auth: "publisher" });
route("/publicar/nuevo/:template", page("publish"), { auth: "publisher" });
route("/publicar/:code", page("publish"), { auth: "publisher" });
route("/publicar/:code/borradores/:number", page("publish"), { auth: "publisher" });
route("/privacidad", page("privacy-notice"));
route("/privacidad/solicitudes", page("privacy-queue"), { auth: "privacy-officer" });
route("/privacidad/solicitudes/:id", page("privacy-request"), { auth: "privacy-request" });
route("/mi-expediente/mis-datos/solicitar", page("privacy-file"), { auth: "citizen" });
setGate(privacyGate);

function header() {
  const user = session();
  const links = [[t("nav.catalogue"), "#/"], [t("nav.stats"), "#/estadisticas"]];
  if (user?.isCitizen) links.push([t("nav.record"), "#/mi-expediente"]);
  if (user?.isOfficial) links.push([t("nav.office"), "#/oficina"]);
  if (user?.isAssistant) links.push([t(user.isAgent ? "centre.callCentre" : "nav.centre"), "#/centro"]);
  if (user?.isPublisher) links.push([t("editor.nav"), "#/publicar"]);
  if (user?.isPrivacyOfficer) links.push([t("nav.privacyRequests"), "#/privacidad/solicitudes"]);
  const path = currentPath();
  const isCurrent = (href) => {
    const target = href.slice(1);
    return target === "/" ? path === "/" || path.startsWith("/tramites") : path.startsWith(target);
  };
  const next = otherLang();
  return h(
    "header",
    { class: "site-header" },
    config().sandbox ? h("div", { class: "sandbox-banner" }, h("div", { class: "wrap" }, h("strong", {}, t("sandbox.tag")), " ", t("sandbox.banner"))) : null,
    kioskOn()
      ? h("div", { class: "kiosk-banner", role: "note" }, h("div", { class: "wrap" }, t("kiosk.banner", { minutes: Math.max(1, Math.round(config().kiosk.idleSeconds / 60)) })))
      : null,
    h(
      "div",
      { class: "header-bar" },
      h(
        "div",
        { class: "wrap header-inner" },
        h(
          "a",
          { class: "brand", href: "#/" },
          h("span", { class: "brand-mark", "aria-hidden": "true" }, "V"),
          h("span", { class: "brand-text" }, h("span", { class: "brand-name" }, "Ventanilla"), h("span", { class: "brand-tagline" }, t("brand.tagline"))),
        ),
        h(
          "button",
          { type: "button", class: "lang-switch", lang: next, title: t("nav.switchLanguageLabel"), onclick: () => setLang(next) },
          t("nav.switchLanguage"),
        ),
      ),
    ),
    h(
      "nav",
      { class: "main-nav", "aria-label": t("nav.main") },
      h(
        "div",
        { class: "wrap nav-inner" },
        h(
          "ul",
          {},
          links.map(([label, href]) => h("li", {}, h("a", { href, "aria-current": isCurrent(href) ? "page" : null }, label))),
        ),
        user
          ? h(
              "div",
              { class: "nav-user" },
              h("span", { class: "nav-username" }, h("span", { class: "visually-hidden" }, `${t("nav.signedInAs")} `), user.username),
              h(
                "button",
                {
                  type: "button",
                  class: "nav-signout",
                  onclick: () => {
                    if (kioskOn()) return endKioskSession("salida");
                    signOut();
                    flash(t("auth.signedOut"));
                    navigate("/");
                  },
                },
                t("nav.signOut"),
              ),
            )
          : h("a", { class: "nav-signin", href: "#/entrar", "aria-current": path.startsWith("/entrar") ? "page" : null }, t("nav.signIn")),
      ),
    ),
  );
}

function footer() {
  return h(
    "div",
    { class: "wrap footer-inner" },
    h("p", { class: "footer-notice" }, t("footer.noIntermediaries")),
    h(
      "ul",
      { class: "footer-links" },
      h("li", {}, h("a", { href: "#/verificar" }, t("footer.verify"))),
      h("li", {}, h("a", { href: "#/entrar/personal" }, t("footer.staff"))),
      h("li", {}, h("a", { href: "#/" }, t("footer.catalogue"))),
      h("li", {}, h("a", { href: "#/estadisticas" }, t("footer.stats"))),
      h("li", {}, h("a", { href: "#/consultas" }, t("footer.consultations"))),
      h("li", {}, h("a", { href: "#/privacidad" }, t("footer.privacy"))),
    ),
    h("p", { class: "footer-small" }, t("footer.about")),
  );
}

function drawChrome() {
  document.getElementById("site-header").replaceChildren(header());
  document.getElementById("site-footer").replaceChildren(footer());
  const skip = document.getElementById("skip-link");
  skip.textContent = t("nav.skip");
}

async function boot() {
  const main = document.getElementById("main");
  try {
    await loadConfig();
    await loadDictionaries();
  } catch (error) {
    console.error(error);
    main.replaceChildren(
      h("h1", {}, "Ventanilla"),
      h("p", { class: "notice notice-error", role: "alert" }, "No pudimos cargar el servicio. Intente de nuevo en unos minutos. / We could not load the service. Please try again in a few minutes."),
    );
    return;
  }
  document.getElementById("skip-link").addEventListener("click", (event) => {
    event.preventDefault();
    main.focus();
  });
  drawChrome();
  window.addEventListener("hashchange", drawChrome);
  onSessionChange(drawChrome);
  onLangChange(() => {
    drawChrome();
    refresh();
    document.querySelector(".lang-switch")?.focus();
  });
  document.documentElement.lang = lang();
  if (kioskOn()) {
    const ended = endedBecause();
    if (ended) {
      flash(t(ended === "inactividad" ? "kiosk.timedOut" : "kiosk.signedOut"), "info");
      window.history.replaceState(null, "", `${window.location.pathname}${window.location.search}#/`);
    }
    startKiosk();
  }
  await start(main);
  document.body.dataset.ready = "true";
}

boot();
