// "More": the next page of a list, appended to what is shown when the person asks for it.
// Every list route answers `next_cursor` (null on the last page); the next page is the same
// path with `?cursor=<next_cursor>`. The button is a real <button>; after a page is added,
// focus moves to its first item (so a keyboard or screen-reader user reads on from there)
// and a polite live region says how many came.
import { get } from "./api.js";
import { h } from "./dom.js";
import { t } from "./i18n.js";
import { errorMessage } from "./errors.js";

// `path` with the cursor of the page to read (none: the first page).
export function paged(path, cursor) {
  if (!cursor) return path;
  return `${path}${path.includes("?") ? "&" : "?"}cursor=${encodeURIComponent(cursor)}`;
}

// Reads the list at `path` a page at a time (say `limit` in `path`), gathering each page's
// `key` items, until `enough(items)` holds or the list ends. Answers the items and the
// cursor of the rest (null: the whole list was read).
export async function readPages(path, key, enough = () => false) {
  const items = [];
  let cursor = null;
  do {
    const page = await get(paged(path, cursor));
    items.push(...(page[key] || []));
    cursor = page.next_cursor || null;
  } while (cursor && !enough(items));
  return { items, cursor };
}

// The "More" control for `container`, or null when `cursor` says there is no next page.
// `loadNext(cursor)` reads the next page and answers `{ nodes, cursor }`: the elements to
// append to `container` and the page's `next_cursor`.
export function moreButton(container, loadNext, cursor) {
  if (!cursor) return null;
  let next = cursor;
  const status = h("p", { class: "muted more-status", role: "status", "aria-live": "polite" });
  const button = h("button", { type: "button", class: "button secondary more", dataset: { more: "" } }, t("common.more"));
  const wrapper = h("div", { class: "more-wrap" }, button, status);
  button.addEventListener("click", async () => {
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    status.textContent = t("common.loading");
    try {
      const page = await loadNext(next);
      const nodes = page.nodes || [];
      container.append(...nodes);
      next = page.cursor || null;
      status.textContent = next ? t("common.moreLoaded", { count: nodes.length }) : t("common.noMore");
      if (nodes[0]) {
        if (!nodes[0].hasAttribute("tabindex")) nodes[0].setAttribute("tabindex", "-1");
        nodes[0].focus();
      }
      if (!next) button.remove();
    } catch (error) {
      status.textContent = errorMessage(error);
    } finally {
      button.disabled = false;
      button.removeAttribute("aria-busy");
    }
  });
  return wrapper;
}
