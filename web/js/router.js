// The hash router: #/path?query → a page module's render(ctx). One render at a time;
// a page can register cleanups (timers) and keep state across a language switch.

import { ApiError } from "./api.js";
import { session, signOut } from "./auth.js";
import { append, h } from "./dom.js";
import { errorMessage } from "./errors.js";
import { t } from "./i18n.js";
import { button, notice, pageHeading, setTitle } from "./ui.js";

const routes = [];
let main = null;
let current = null;
let flashMessage = null;
let firstRender = true;
let gate = null;

export function route(pattern, load, { auth = null } = {}) {
  const names = [];
  const regex = new RegExp(
    `^${pattern.replace(/:(\w+)/g, (_, name) => {
      names.push(name);
      return "([^/]+)";
    })}/?$`,
  );
  routes.push({ regex, names, load, auth });
}

// A check run before every signed-in page (the privacy notice's acceptance): gate(view, ctx,
// user) draws in the view and answers true to stand in for the page.
export function setGate(check) {
  gate = check;
}

export function currentPath() {
  const hash = window.location.hash || "#/";
  return hash.startsWith("#/") ? hash.slice(1) : "/";
}

// keepState: the page at `path` keeps the state it had (only when it is the current one).
export function navigate(path, { replace = false, keepState = false } = {}) {
  const target = `#${path}`;
  if (window.location.hash === target) {
    render({ keepState });
    return;
  }
  if (replace) {
    window.history.replaceState(null, "", target);
    render({ keepState });
  } else {
    window.location.hash = target;
  }
}

// A message shown at the top of the next page (after a redirect).
export function flash(message, kind = "success") {
  flashMessage = { message, kind };
}

export function refresh() {
  return render({ keepState: true, keepFocus: true });
}

export function start(element) {
  main = element;
  window.addEventListener("hashchange", () => {
    if (window.location.hash.startsWith("#/") || window.location.hash === "") render({ keepState: false });
  });
  return render({ keepState: false });
}

function parse(path) {
  const [pathname, search = ""] = path.split("?");
  const query = Object.fromEntries(new URLSearchParams(search));
  for (const candidate of routes) {
    const match = candidate.regex.exec(pathname);
    if (match) {
      const params = Object.fromEntries(candidate.names.map((name, index) => [name, decodeURIComponent(match[index + 1])]));
      return { route: candidate, params, query, pathname };
    }
  }
  return { route: null, params: {}, query, pathname };
}

async function render({ keepState, keepFocus = false }) {
  const path = currentPath();
  const previous = current;
  if (previous) for (const cleanup of previous.cleanups) cleanup();
  const state = keepState && previous?.path === path ? previous.state : {};
  const view = h("div", { class: "view" });
  const ctx = {
    path,
    state,
    cleanups: [],
    onLeave(fn) {
      this.cleanups.push(fn);
    },
    alive() {
      return current === this;
    },
  };
  current = ctx;
  main.replaceChildren(view);
  main.setAttribute("aria-busy", "true");
  const { route: matched, params, query, pathname } = parse(path);
  Object.assign(ctx, { params, query, pathname, view });
  if (flashMessage) {
    append(view, notice(flashMessage.kind, flashMessage.message));
    flashMessage = null;
  }
  try {
    if (!matched) {
      renderNotFound(view);
    } else if (!authorised(matched, path)) {
      return;
    } else {
      if (matched.auth && gate && (await gate(view, ctx, session()))) return;
      if (!ctx.alive()) return;
      const page = await matched.load();
      if (!ctx.alive()) return;
      ctx.session = session();
      await page.render(view, ctx);
    }
  } catch (error) {
    if (!ctx.alive()) return;
    if (error instanceof ApiError && error.status === 401) {
      signOut();
      flash(t("auth.expired"), "warning");
      navigate(`/entrar?volver=${encodeURIComponent(path)}`, { replace: true });
      return;
    }
    if (!(error instanceof ApiError && error.status >= 400 && error.status < 500)) console.error(error);
    renderFailure(view, error);
  } finally {
    if (ctx.alive()) {
      main.removeAttribute("aria-busy");
      if (!keepFocus) {
        if (!firstRender) {
          window.scrollTo(0, 0);
          (main.querySelector("h1") || main).focus({ preventScroll: true });
        }
      }
      firstRender = false;
    }
  }
}

function authorised(matched, path) {
  if (!matched.auth) return true;
  const user = session();
  if (!user) {
    const signIn = ["official", "assistant", "privacy-officer", "publisher"].includes(matched.auth) ? "/entrar/personal" : "/entrar";
    navigate(`${signIn}?volver=${encodeURIComponent(path)}`, { replace: true });
    return false;
  }
  // "holder": the citizen, or a community-centre assistant acting for them (the API
  // decides which applications; see README "Assisted filing").
  // "privacy-request": the citizen who filed it, or the data-protection officer (the API decides which).
  const allowed = {
    official: user.isOfficial,
    citizen: user.isCitizen,
    assistant: user.isAssistant,
    holder: user.isCitizen || user.isAssistant,
    "privacy-officer": user.isPrivacyOfficer,
    publisher: user.isPublisher,
    "privacy-request": user.isCitizen || user.isPrivacyOfficer,
  }[matched.auth];
  if (!allowed) {
    const view = main.querySelector(".view");
    setTitle(t("auth.wrongRole.title"));
    const why = { official: "auth.wrongRole.official", assistant: "auth.wrongRole.assistant", "privacy-officer": "auth.wrongRole.privacyOfficer", publisher: "editor.wrongRole" }[matched.auth] || "auth.wrongRole.citizen";
    append(view, ...pageHeading(t("auth.wrongRole.title")), notice("warning", h("p", {}, t(why))));
    return false;
  }
  return true;
}

function renderNotFound(view) {
  setTitle(t("notFound.title"));
  append(view, ...pageHeading(t("notFound.title")), h("p", {}, t("notFound.body")), h("p", {}, h("a", { href: "#/" }, t("notFound.home"))));
}

function renderFailure(view, error) {
  setTitle(t("failure.title"));
  view.replaceChildren(
    ...pageHeading(t("failure.title")),
    notice("error", h("p", {}, errorMessage(error))),
    h("p", {}, button(t("common.retry"), { kind: "secondary", onclick: () => refresh() }), " ", h("a", { href: "#/", class: "button-link" }, t("notFound.home"))),
  );
}
