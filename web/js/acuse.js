// The acuse de recibo of a filing, as the citizen keeps it: whether they signed it with
// their e.firma (its número de certificado and when), the platform's seal and its time —
// the legal clock starts from the seal — and the cadena original both stand for.
//
//   acuseFacts(acuse): the facts alone (the confirmation right after filing);
//   acuseSection(application): the whole panel for the application page (null before filing).

import { h } from "./dom.js";
import { formatInstant, t } from "./i18n.js";
import { facts, section } from "./ui.js";

export function acuseFacts(acuse) {
  const firma = acuse.firma;
  return facts(
    [
      [t("acuse.signedWith"), firma ? t("acuse.efirma") : t("acuse.sealOnly")],
      [t("efirma.serial"), firma ? h("span", { class: "mono", dataset: { serial: firma.serial } }, firma.serial) : null],
      [t("acuse.signedAt"), firma ? formatInstant(firma.signed_at) : null],
      [t("acuse.sealedAt"), formatInstant(acuse.sello.sealed_at)],
    ],
    "facts acuse-facts",
  );
}

export function acuseSection(application) {
  const acuse = application.acuse;
  if (!acuse) return null;
  return section(
    "acuse",
    t("acuse.title"),
    { class: "panel", dataset: { acuse: acuse.firma ? "signed" : "sealed" } },
    h("p", {}, t("acuse.lead")),
    acuseFacts(acuse),
    h("details", { class: "cadena-details" }, h("summary", {}, t("signing.cadena")), h("p", { class: "mono cadena" }, acuse.cadena_original)),
  );
}
