// Files to keep (the acuse, a resolution, an issued document, a copy of one's data): a button
// that fetches the file with the session's token and saves it on the device.

import { file } from "./api.js";
import { h } from "./dom.js";
import { errorMessage } from "./errors.js";
import { t } from "./i18n.js";
import { announce, button, notice, whileBusy } from "./ui.js";

export function downloadButton(label, path, fallbackName, kind = "secondary", type = "application/pdf") {
  const message = h("div", { "aria-live": "polite" });
  const control = button(label, {
    kind,
    class: `button button-${kind} no-print`,
    dataset: { download: path },
    onclick: () =>
      whileBusy(control, async () => {
        message.replaceChildren();
        try {
          const saved = await file(path, type);
          const filename = saved.filename || fallbackName;
          save(saved.blob, filename);
          announce(t("signed.saved", { filename }));
        } catch (error) {
          message.replaceChildren(notice("error", h("p", {}, errorMessage(error))));
        }
      }),
  });
  return h("div", { class: "download" }, control, message);
}

function save(blob, filename) {
  const url = URL.createObjectURL(blob);
  const link = h("a", { href: url, download: filename, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  // the browser has started reading the file by now; later, the memory goes
  window.setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
