// Step 2 and 3 of applying: upload each required document (checked for type and size
// before anything is sent, with progress), review the answers and submit.

import { ApiError, get, newIdempotencyKey, post, procedure } from "../api.js";
import { append, h, uid } from "../dom.js";
import { errorMessage, fieldMessage } from "../errors.js";
import { checkedForm, fieldError } from "../fields.js";
import { formatMoney, pick, t } from "../i18n.js";
import { fieldTitle, fileTypesText, formatAnswer, sizeText } from "../procedures.js";
import { flash, navigate } from "../router.js";
import { contentTypeOf, fileProblem, uploadDocument } from "../upload.js";
import { announce, breadcrumbs, button, facts, linkButton, notice, pageHeading, section, setTitle, whileBusy } from "../ui.js";
import { EDITABLE, stepper } from "./apply.js";
import { feeText } from "./home.js";

function uploadBlock(application, requirement, existing, required) {
  const id = uid(`doc-${requirement.code}`);
  const input = h("input", {
    type: "file",
    id,
    class: "file-input",
    name: requirement.code,
    accept: requirement.content_types.join(","),
    "aria-describedby": `${id}-hint ${id}-error ${id}-status`,
  });
  const error = h("p", { class: "field-error", id: `${id}-error`, hidden: true });
  const status = h("p", { class: "upload-status", id: `${id}-status`, role: "status" });
  const progress = h("progress", { max: "100", value: "0", hidden: true, "aria-label": t("documents.progressLabel", { name: pick(requirement.name) }) });
  let uploaded = Boolean(existing);
  const block = h(
    "section",
    { class: "upload", dataset: { requirement: requirement.code } },
    h("h3", {}, pick(requirement.name), required ? null : h("span", { class: "optional" }, ` ${t("form.optional")}`)),
    requirement.help ? h("p", {}, pick(requirement.help)) : null,
    h("p", { class: "hint", id: `${id}-hint` }, t("requirements.format", { types: fileTypesText(requirement.content_types), size: sizeText(requirement.max_bytes) })),
    error,
    input,
    h("label", { class: "button button-secondary file-label", for: id }, existing ? t("documents.replace") : t("documents.choose"), h("span", { class: "visually-hidden" }, `: ${pick(requirement.name)}`)),
    progress,
    status,
  );
  const setError = fieldError(block, error, input);
  const showUploaded = (name, size) => {
    status.replaceChildren(h("span", { class: "field-ok" }, `✓ ${t("documents.uploaded")}: `), h("span", { class: "mono" }, name), ` (${sizeText(size)})`);
  };
  if (existing) showUploaded(existing.filename, existing.size);

  input.addEventListener("change", async () => {
    const file = input.files?.[0];
    if (!file) return;
    setError(null);
    const problem = fileProblem(file, requirement);
    if (problem) {
      setError(t(`documents.error.${problem}`, { types: fileTypesText(requirement.content_types), size: sizeText(requirement.max_bytes), type: contentTypeOf(file) || file.name }));
      input.value = "";
      return;
    }
    progress.hidden = false;
    progress.value = 0;
    try {
      await uploadDocument(application.id, requirement, file, {
        phase: (name) => {
          if (name !== "done") status.textContent = t(`documents.phase.${name}`);
        },
        progress: (fraction) => {
          progress.value = Math.round(fraction * 100);
          status.textContent = t("documents.phase.uploadingPercent", { percent: Math.round(fraction * 100) });
        },
      });
      uploaded = true;
      showUploaded(file.name, file.size);
      announce(t("documents.uploadedAnnounce", { name: pick(requirement.name) }));
    } catch (failure) {
      progress.hidden = true;
      status.textContent = "";
      if (failure instanceof ApiError && failure.details.length) setError(fieldMessage(failure.details[0]));
      else setError(failure instanceof ApiError ? errorMessage(failure) : t("documents.error.upload"));
    } finally {
      input.value = "";
    }
  });

  return { requirement, block, setError, isUploaded: () => uploaded, required, focus: () => input.focus() };
}

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

  const declared = Object.fromEntries((application.documents || []).map((doc) => [doc.requirement, doc]));
  const requiredCodes = new Set([...(application.missing_documents || []), ...(application.documents || []).filter((doc) => doc.required).map((doc) => doc.requirement)]);
  const blocks = [];
  const notNeeded = [];
  for (const requirement of definition.requirements) {
    const required = requiredCodes.has(requirement.code);
    if (required || requirement.optional || declared[requirement.code]) blocks.push(uploadBlock(application, requirement, declared[requirement.code], required));
    else notNeeded.push(pick(requirement.name));
  }

  const formError = h("div", { "aria-live": "assertive" });
  const submit = button(t("documents.submit"), { type: "submit" });
  const idempotencyKey = newIdempotencyKey();
  const answers = Object.entries(definition.form.properties || {}).map(([field, schema]) => [fieldTitle(schema, field), formatAnswer(schema, application.data?.[field])]);

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
        try {
          await post(`/applications/${encodeURIComponent(application.id)}/submit`, {}, { idempotencyKey });
          flash(t("documents.sent", { id: application.id }));
          navigate(`/solicitudes/${application.id}`);
        } catch (error) {
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
    notNeeded.length ? h("p", { class: "muted" }, t("documents.notNeeded", { names: notNeeded.join("; ") })) : null,
    form,
  );
}
