// What to tell a person when something fails: always a sentence in their language,
// never the server's English text, a stack trace or a code on its own.

import { ApiError } from "./api.js";
import { CognitoError } from "./auth.js";
import { has, t } from "./i18n.js";

export function errorMessage(error) {
  if (error instanceof ApiError) {
    if (has(`apiError.${error.code}`)) return t(`apiError.${error.code}`);
    if (error.status === 0) return t("apiError.network");
    if (error.status === 401) return t("apiError.unauthenticated");
    if (error.status === 403) return t("apiError.forbidden");
    if (error.status === 404) return t("apiError.not_found");
    if (error.status === 409) return t("apiError.conflict");
    if (error.status === 413) return t("apiError.too_large");
    if (error.status === 422 || error.status === 400) return t("apiError.invalid");
    if (error.status === 429 || error.status === 503) return t("apiError.busy");
    return t("apiError.unexpected");
  }
  if (error instanceof CognitoError) {
    return has(`cognitoError.${error.type}`) ? t(`cognitoError.${error.type}`) : t("cognitoError.unknown");
  }
  return t("apiError.unexpected");
}

// A field problem from the API ({field, message}) as a sentence for that field.
export function fieldMessage(detail) {
  const message = String(detail?.message || "");
  if (/is required/.test(message)) return t("form.error.required");
  if (/never uploaded|was not uploaded/.test(message)) return t("documents.error.missing");
  if (/does not match its declared/.test(message)) return t("documents.error.mismatch");
  return t("form.error.invalid");
}
