// Step 2 and 3 of applying: upload each required document (checked for type and size
// before anything is sent, with progress), review the answers and submit. A first filing
// of a procedure whose identity is e.firma (or of any other, when the citizen chooses to)
// is signed: the page prepares the filing's cadena original, shows it, the citizen signs it
// in the e.firma panel with their own files, and the filing carries it; the confirmation
// shows the acuse de recibo.

import { acuseFacts } from "../acuse.js";
import { ApiError, get, newIdempotencyKey, post, procedure } from "../api.js";
import { append, h } from "../dom.js";
import { efirmaPanel } from "../efirma-panel.js";
import { evidenceNote } from "../evidence.js";
import { errorMessage, fieldMessage } from "../errors.js";
import { checkedForm } from "../fields.js";
import { formatMoney, pick, t } from "../i18n.js";
import { fieldTitle, formatAnswer } from "../procedures.js";
import { flash, navigate } from "../router.js";
import { STALE_CADENA, cadenaBlock, preparedCadena } from "../signing.js";
import { uploadBlock } from "../upload-block.js";
import { breadcrumbs, button, facts, linkButton, notice, pageHeading, section, setTitle, whileBusy } from "../ui.js";
import { EDITABLE, stepper } from "./apply.js";
import { feeText } from "./home.js";

// Refusals of a signed filing that are about the application, not the signature.
const APPLICATION_PROBLEMS = new Set(["documents_incomplete", "invalid_form", "fee_not_computable", "not_editable", "invalid_transition"]);

export async function render(view, ctx) {
  const application = await get(`/applications/${encodeURIComponent(ctx.params.id)}`);
  const detail = await procedure(application.procedure.code, application.procedure.version);
  const definition = detail.definition;
  const name = pick(definition.name);
  setTitle(`${t("documents.title")} · ${name}`);
  const crumbs = breadcrumbs([
    [t("nav.record"), "#/mi-expediente"],
    [name, `#/solicitudes/${application.id}`],
    [t("documents.title"), null],
  ]);
  if (!EDITABLE.has(application.status)) {
    append(view, crumbs, ...pageHeading(t("documents.title")), notice("info", h("p", {}, t("apply.notEditable"))), linkButton(t("apply.seeApplication"), `#/solicitudes/${application.id}`, "secondary"));
    return;
  }

  // Signing is for the first filing: an answer to corrections resumes the same filing.
  const firstFiling = application.status === "draft";
  const efirmaRequired = detail.identity === "efirma";
  const signing = signingStep(application, (body) => send(body));
  const declared = Object.fromEntries((application.documents || []).map((doc) => [doc.requirement, doc]));
  const requiredCodes = new Set([...(application.missing_documents || []), ...(application.documents || []).filter((doc) => doc.required).map((doc) => doc.requirement)]);
  const blocks = [];
  const notNeeded = [];
  // Requirements met by a registry or a credential are fetched after filing, not uploaded.
  const fetched = [];
  for (const requirement of definition.requirements) {
    const required = requiredCodes.has(requirement.code);
    if (required || requirement.optional || declared[requirement.code]) blocks.push(uploadBlock(application, requirement, declared[requirement.code], required, () => signing.close()));
    else if (requirement.evidence) fetched.push(evidenceNote(requirement));
    else notNeeded.push(pick(requirement.name));
  }

  const formError = h("div", { "aria-live": "assertive" });
  const submit = button(t("documents.submit"), { type: "submit" });
  const idempotencyKey = newIdempotencyKey();
  const answers = Object.entries(definition.form.properties || {}).map(([field, schema]) => [fieldTitle(schema, field), formatAnswer(schema, application.data?.[field])]);

  // Procedures that do not require it may still be signed, if the citizen wants their
  // signature on the acuse.
  const optIn = firstFiling && !efirmaRequired ? h("input", { type: "checkbox", id: "sign-efirma", name: "sign_efirma", "aria-describedby": "sign-efirma-hint" }) : null;
  const signs = () => firstFiling && (efirmaRequired || Boolean(optIn?.checked));
  const label = () => {
    submit.textContent = signs() ? t("documents.toSign") : t("documents.submit");
  };
  optIn?.addEventListener("change", () => {
    label();
    if (!optIn.checked) signing.close();
  });
  label();

  const showError = (error) => {
    if (error instanceof ApiError && error.code === "documents_incomplete") {
      for (const detail of error.details) {
        const code = String(detail.field || "").replace(/^documents\./, "");
        blocks.find((item) => item.requirement.code === code)?.setError(fieldMessage(detail));
      }
    }
    if (error instanceof ApiError && error.code === "invalid_form") {
      formError.replaceChildren(notice("error", h("p", {}, t("apiError.invalid_form"), " ", h("a", { href: `#/solicitudes/${application.id}/editar` }, t("documents.fixAnswers")))));
      return;
    }
    formError.replaceChildren(notice("error", h("p", {}, errorMessage(error))));
  };

  // Sends the filing; problems with the application itself (not with the signature) go
  // back to the documents and the form above, and the signing step closes.
  const send = async (body) => {
    try {
      const sent = await post(`/applications/${encodeURIComponent(application.id)}/submit`, body, { idempotencyKey });
      const confirmation = t("documents.sent", { id: application.id });
      flash(firstFiling && sent.acuse ? h("div", { dataset: { acuse: sent.acuse.firma ? "signed" : "sealed" } }, h("p", {}, confirmation), acuseFacts(sent.acuse)) : confirmation);
      navigate(`/solicitudes/${application.id}`);
      return true;
    } catch (error) {
      // The signature's own refusals stay in the e.firma panel.
      if (body.efirma && !(error instanceof ApiError && APPLICATION_PROBLEMS.has(error.code))) throw error;
      signing.close();
      showError(error);
      return false;
    }
  };

  const form = checkedForm(
    {},
    async () => {
      formError.replaceChildren();
      const missing = blocks.filter((item) => item.required && !item.isUploaded());
      for (const item of blocks) item.setError(missing.includes(item) ? t("documents.error.missing") : null);
      if (missing.length) {
        formError.replaceChildren(notice("error", h("p", {}, t("documents.missingSummary", { n: missing.length }))));
        missing[0].focus();
        return;
      }
      await whileBusy(submit, async () => {
        if (!signs()) {
          await send({});
          return;
        }
        try {
          await signing.open();
        } catch (error) {
          if (!(error instanceof ApiError)) throw error;
          showError(error);
        }
      });
    },
    section(
      "review",
      t("documents.reviewTitle"),
      { class: "panel" },
      facts(answers),
      h("p", {}, h("a", { href: `#/solicitudes/${application.id}/editar` }, t("documents.changeAnswers"))),
      facts([[t("procedure.fee"), definition.fee?.amount !== undefined ? formatMoney(definition.fee.amount) : feeText(definition.fee)]]),
      h("p", {}, t("documents.declaration")),
      firstFiling && efirmaRequired ? notice("info", h("p", { dataset: { identity: "efirma" } }, t("documents.efirmaRequired"))) : null,
      optIn
        ? h("div", { class: "field", dataset: { field: "sign_efirma" } }, h("div", { class: "choice" }, optIn, h("label", { for: "sign-efirma" }, t("documents.signOptional"))), h("p", { class: "hint", id: "sign-efirma-hint" }, t("documents.signOptionalHint")))
        : null,
      formError,
      h("div", { class: "actions" }, submit),
    ),
  );

  append(view, 
    crumbs,
    stepper("documents"),
    ...pageHeading(t("documents.title"), t("documents.lead")),
    h("p", {}, `${t("application.folio")}: `, h("strong", { class: "mono" }, application.id)),
    blocks.map((item) => item.block),
    fetched,
    notNeeded.length ? h("p", { class: "muted" }, t("documents.notNeeded", { names: notNeeded.join("; ") })) : null,
    form,
    signing.element,
  );
}

// The signing step, below the review: the filing's cadena original as the API prepared it
// and the e.firma panel. It opens once everything is uploaded and closes when a document
// changes (the text would no longer be the filing's).
function signingStep(application, send) {
  const cadena = cadenaBlock("filing-cadena");
  const prepared = preparedCadena(() => get(`/applications/${encodeURIComponent(application.id)}/cadena-original`), (text) => cadena.show(text));
  const panel = efirmaPanel({
    id: "filing-efirma",
    submitLabel: t("documents.signAndSubmit"),
    text: () => prepared.current(),
    onSigned: async ({ certificate, signature, text }) => {
      try {
        return await send({ efirma: { certificate, cadena_original: text, signature } });
      } catch (error) {
        if (error instanceof ApiError && STALE_CADENA.has(error.code)) prepared.forget();
        throw error;
      }
    },
  });
  const heading = h("h2", { id: "filing-sign-heading", tabindex: "-1" }, t("documents.signTitle"));
  const element = h("section", { class: "panel panel-accent", "aria-labelledby": "filing-sign-heading", hidden: true, dataset: { signing: "filing" } }, heading, h("p", {}, t("documents.signLead")), cadena.element, panel.element);
  return {
    element,
    async open() {
      await prepared.first();
      element.hidden = false;
      heading.focus();
    },
    close() {
      element.hidden = true;
      prepared.forget();
    },
  };
}
