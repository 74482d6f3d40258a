// What the pages that sign a cadena original share: the text shown as it will be signed,
// a prepared text that is prepared again when it is about to expire (or was refused as
// stale), and the explanation of what an e.firma is and where to get one.

import { h } from "./dom.js";
import { formatDateTime, t } from "./i18n.js";

// Prepared again when less than this is left: signing, sending and checking take seconds.
const MARGIN_MS = 60_000;

// The cadena original, word for word as it is signed: people sign what they can read.
export function cadenaBlock(id) {
  const text = h("p", { class: "mono cadena", id: `${id}-text` });
  const until = h("p", { class: "hint", id: `${id}-until` });
  const element = h("div", { class: "cadena-block", role: "group", "aria-labelledby": `${id}-label`, dataset: { cadena: "true" } }, h("p", { class: "label", id: `${id}-label` }, t("signing.cadena")), h("p", { class: "hint" }, t("signing.cadenaHint")), text, until);
  return {
    element,
    show(prepared) {
      text.textContent = prepared.cadena_original;
      until.textContent = t("signing.until", { time: formatDateTime(prepared.expires_at) });
    },
  };
}

// prepare(): the API's {cadena_original, expires_at, efirma_required}. current() gives the
// text to sign, prepared again when it is near its end or after forget() (the API refused it
// as expired or not matching the application any more); shown(prepared) draws each new one.
export function preparedCadena(prepare, shown = () => {}) {
  let prepared = null;
  const stale = () => !prepared || Date.parse(prepared.expires_at) - Date.now() < MARGIN_MS;
  return {
    async first() {
      prepared = await prepare();
      shown(prepared);
      return prepared;
    },
    async current() {
      if (stale()) {
        prepared = await prepare();
        shown(prepared);
      }
      return prepared.cadena_original;
    },
    forget() {
      prepared = null;
    },
  };
}

// A refusal after which the text must be prepared again.
export const STALE_CADENA = new Set(["cadena_mismatch", "cadena_expired"]);

// What an e.firma is and how to get one, for people who do not have it yet.
export function efirmaHowTo() {
  return [
    h("p", {}, t("efirmaHelp.what")),
    h("ul", {}, h("li", {}, t("efirmaHelp.where")), h("li", {}, t("efirmaHelp.files")), h("li", {}, t("efirmaHelp.validity"))),
    h("p", {}, t("efirmaHelp.private")),
  ];
}
