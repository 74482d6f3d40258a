// The privacy notice (aviso de privacidad integral), public, in the reader's language, with its
// version and the date it took effect; a signed-in citizen also sees which version they accepted.

import { get } from "../api.js";
import { session } from "../auth.js";
import { append, h } from "../dom.js";
import { formatDateTime, t } from "../i18n.js";
import { noticeSections, noticeText, privacyNotice, versionLine } from "../privacy.js";
import { notice, pageHeading, setTitle } from "../ui.js";

export async function render(view) {
  const privacy = await privacyNotice({ fresh: true });
  const text = noticeText(privacy);
  setTitle(text.title || t("privacy.title"));
  const user = session();
  let accepted = null;
  if (user?.isCitizen) {
    const record = await get("/me").catch(() => null);
    accepted = record?.privacy_notice || record?.profile?.privacy_notice || null;
  }
  append(
    view,
    ...pageHeading(text.title || t("privacy.title")),
    h("p", { class: "lead", dataset: { version: String(privacy.version) } }, versionLine(privacy)),
    accepted?.accepted
      ? notice(
          accepted.accepted === accepted.current ? "success" : "warning",
          h("p", {}, accepted.accepted === accepted.current ? t("privacy.youAccepted", { version: accepted.accepted, date: formatDateTime(accepted.accepted_at) }) : t("privacy.youAcceptedOld", { version: accepted.accepted })),
        )
      : null,
    noticeSections(privacy, 2),
    user?.isCitizen ? h("p", {}, h("a", { href: "#/mi-expediente" }, t("privacy.exerciseRights"))) : h("p", { class: "muted" }, t("privacy.howToExercise")),
  );
}
