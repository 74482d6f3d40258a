// The payment slip (línea de captura), printable; on the local stack, a sandbox bank
// button that pays it the way a bank would (signed webhook).

import { ApiError, get, newIdempotencyKey, post, procedure } from "../api.js";
import { config } from "../config.js";
import { append, h } from "../dom.js";
import { errorMessage } from "../errors.js";
import { formatDateTime, formatMoney, pick, t } from "../i18n.js";
import { breadcrumbs, button, facts, linkButton, notice, pageHeading, printButton, section, setTitle, whileBusy } from "../ui.js";

function sandboxPanel(application, slip) {
  const message = h("div", { "aria-live": "polite" });
  const pay = button(t("payment.sandboxPay"), { kind: "green" });
  pay.addEventListener("click", () =>
    whileBusy(pay, async () => {
      message.replaceChildren();
      try {
        await post("/sandbox/bank/pay", { reference: slip.reference }, { anonymous: true, idempotencyKey: newIdempotencyKey() });
      } catch (error) {
        message.replaceChildren(notice("error", h("p", {}, errorMessage(error))));
        return;
      }
      pay.remove();
      message.replaceChildren(notice("success", h("p", {}, t("payment.sandboxPaid"))));
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline) {
        await new Promise((resolve) => window.setTimeout(resolve, 1000));
        if (!document.body.contains(message)) return;
        const latest = await get(`/applications/${encodeURIComponent(application.id)}`).catch(() => null);
        if (latest && latest.status !== "awaiting_payment") {
          const doc = latest.issued?.[0];
          message.replaceChildren(
            notice(
              "success",
              h("p", {}, h("strong", {}, t(latest.status === "issued" ? "payment.issued" : "payment.recorded"))),
              h("div", { class: "actions" }, doc ? linkButton(t("next.seeDocument"), `#/documentos/${encodeURIComponent(doc.id)}`) : null, linkButton(t("payment.back"), `#/solicitudes/${application.id}`, "secondary")),
            ),
          );
          return;
        }
      }
    }),
  );
  return section(
    "sandbox",
    t("payment.sandboxTitle"),
    { class: "panel no-print" },
    h("p", {}, t("payment.sandboxBody")),
    h("div", { class: "actions" }, pay),
    message,
  );
}

export async function render(view, ctx) {
  const id = ctx.params.id;
  const application = await get(`/applications/${encodeURIComponent(id)}`);
  const detail = await procedure(application.procedure.code, application.procedure.version);
  const definition = detail.definition;
  const name = pick(definition.name);
  setTitle(`${t("payment.title")} · ${application.id}`);
  const crumbs = breadcrumbs([
    [t("nav.record"), "#/mi-expediente"],
    [name, `#/solicitudes/${application.id}`],
    [t("payment.title"), null],
  ]);
  let slip;
  try {
    slip = await post(`/applications/${encodeURIComponent(id)}/payment`, {});
  } catch (error) {
    if (error instanceof ApiError && error.code === "nothing_to_pay") {
      append(view, crumbs, ...pageHeading(t("payment.title")), notice("info", h("p", {}, t("apiError.nothing_to_pay"))), linkButton(t("payment.back"), `#/solicitudes/${id}`, "secondary"));
      return;
    }
    throw error;
  }
  const paid = slip.status === "paid";
  append(view, 
    crumbs,
    ...pageHeading(t("payment.title"), t("payment.lead")),
    h(
      "article",
      { class: "slip", "aria-labelledby": "slip-heading" },
      h(
        "header",
        { class: "slip-head" },
        h("div", {}, h("h2", { id: "slip-heading", class: "slip-title" }, t("payment.slipTitle")), h("p", { class: "muted" }, `Ventanilla · ${pick(definition.agencies[definition.agency])}`)),
        h("span", { class: "brand-mark", "aria-hidden": "true" }, "V"),
      ),
      h("p", {}, t("payment.reference")),
      h("p", { class: "reference", dataset: { reference: slip.reference } }, slip.reference_formatted || slip.reference),
      facts([
        [t("payment.amount"), h("span", { class: "amount" }, formatMoney(slip.amount, slip.currency))],
        [t("payment.concept"), pick(definition.fee?.concept) || name],
        [t("application.folio"), h("span", { class: "mono" }, application.id)],
        [t("payment.expires"), formatDateTime(slip.expires_at)],
        [t("payment.status"), paid ? h("strong", { class: "tag tag-success" }, t("payment.paid", { date: formatDateTime(slip.paid_at) })) : h("strong", { class: "tag tag-warning" }, t("payment.pending"))],
      ]),
      h("p", {}, t("payment.where")),
      h("p", { class: "notice notice-info" }, pick(slip.notice) || t("procedure.noIntermediaries")),
    ),
    h("div", { class: "actions no-print" }, printButton(t("payment.print")), linkButton(t("payment.back"), `#/solicitudes/${id}`, "secondary")),
    config().sandbox && !paid ? sandboxPanel(application, slip) : null,
  );
}
