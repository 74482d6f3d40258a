// One requirement's upload control: the file is checked for type and size before anything
// is sent, declared to the API and put with progress; used by the documents step of
// applying and by the evidence review (to upload a document instead of a registry's answer).

import { ApiError } from "./api.js";
import { h, uid } from "./dom.js";
import { errorMessage, fieldMessage } from "./errors.js";
import { fieldError } from "./fields.js";
import { pick, t } from "./i18n.js";
import { fileTypesText, sizeText } from "./procedures.js";
import { contentTypeOf, fileProblem, uploadDocument } from "./upload.js";
import { announce } from "./ui.js";

export function uploadBlock(application, requirement, existing, required, onUploaded) {
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
      onUploaded();
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
