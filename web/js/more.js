// Paged lists: every list answer has `next_cursor` (null on the last page); "More" asks
// for the page after it and hands it to the page that shows the list.

import { get } from "./api.js";
import { h } from "./dom.js";
import { t } from "./i18n.js";
import { button } from "./ui.js";

export function nextPage(path, cursor) {
  return get(`${path}${path.includes("?") ? "&" : "?"}cursor=${encodeURIComponent(cursor)}`);
}

// A "More" button while `cursor` says another page follows; `onPage(page)` shows it.
// It stays where it is, disabled while the page loads, and goes once the last page is in.
export function moreButton(path, cursor, onPage, label = t("list.more")) {
  if (!cursor) return null;
  let next = cursor;
  const holder = h("p", { class: "list-more" });
  const control = button(label, {
    kind: "secondary",
    onclick: async () => {
      control.disabled = true;
      control.setAttribute("aria-busy", "true");
      try {
        const page = await nextPage(path, next);
        next = page.next_cursor;
        await onPage(page);
      } finally {
        control.disabled = false;
        control.removeAttribute("aria-busy");
        if (!next) holder.remove();
      }
    },
  });
  holder.append(control);
  return holder;
}
