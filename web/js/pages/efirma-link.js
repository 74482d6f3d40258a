// Linking an e.firma to one's account: the API hands out a single-use challenge, the panel
// signs it in the browser with the person's .cer and .key, and the API checks the
// signature, the certificate and that its CURP is the account's. A citizen proves their
// record (#/mi-expediente/efirma); an official binds the e.firma they will sign
// resolutions with (#/oficina/efirma).
//
// API: POST /me/efirma/challenge → {challenge, expires_at}; POST /me/efirma {certificate,
// challenge, signature} → {verified, serial, valid_until, …}; a citizen's GET /me shows the
// linked one as profile.efirma {serial, rfc, name, valid_until, verified_at}.

import { get, post } from "../api.js";
import { append, h } from "../dom.js";
import { efirmaPanel } from "../efirma-panel.js";
import { formatDate, t } from "../i18n.js";
import { flash, navigate } from "../router.js";
import { breadcrumbs, facts, notice, pageHeading, section, setTitle } from "../ui.js";

export async function render(view, ctx) {
  const official = ctx.path.startsWith("/oficina");
  const home = official ? ["/oficina", t("nav.office")] : ["/mi-expediente", t("nav.record")];
  setTitle(t("efirmaLink.title"));
  // GET /me is the citizen's record; staff have none to show.
  const linked = official ? null : (await get("/me")).profile?.efirma || null;
  let challenge = null;
  const panel = efirmaPanel({
    id: "efirma",
    submitLabel: t("efirmaLink.submit"),
    text: async () => {
      challenge = (await post("/me/efirma/challenge")).challenge;
      return challenge;
    },
    onSigned: async ({ certificate, signature }) => {
      const proof = await post("/me/efirma", { certificate, challenge, signature });
      flash(t("efirmaLink.done", { serial: proof.serial, date: formatDate(proof.valid_until) }));
      navigate(home[0]);
    },
  });

  append(
    view,
    breadcrumbs([
      [home[1], `#${home[0]}`],
      [t("efirmaLink.title"), null],
    ]),
    ...pageHeading(t("efirmaLink.title"), t(official ? "efirmaLink.leadOfficial" : "efirmaLink.lead")),
    linked
      ? notice(
          "success",
          h("p", {}, t("efirmaLink.linked")),
          facts([
            [t("efirma.serial"), h("span", { class: "mono" }, linked.serial)],
            [t("efirma.validUntil"), formatDate(linked.valid_until)],
          ]),
        )
      : null,
    section("efirma-files", t(linked ? "efirmaLink.relink" : "efirmaLink.files"), { class: "panel" }, panel.element),
    section(
      "efirma-about",
      t("efirmaLink.aboutTitle"),
      {},
      h("p", {}, t(official ? "efirmaLink.aboutOfficial" : "efirmaLink.about")),
      h("p", {}, t("efirmaLink.noEfirma")),
    ),
  );
}
