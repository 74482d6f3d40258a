// Requirement documents: check type and size before anything is sent, declare the file
// (name, type, size, SHA-256) to the API, then PUT it to the presigned URL with progress.

import { newIdempotencyKey, post } from "./api.js";

export const TYPE_BY_EXTENSION = { pdf: "application/pdf", jpg: "image/jpeg", jpeg: "image/jpeg", png: "image/png" };

// The content type we will declare: the browser's, or the extension's when it has none.
export function contentTypeOf(file) {
  if (file.type) return file.type;
  const extension = (file.name.split(".").pop() || "").toLowerCase();
  return TYPE_BY_EXTENSION[extension] || "";
}

// null when the file can be sent, otherwise "empty", "type" or "size".
export function fileProblem(file, requirement) {
  if (!file || file.size === 0) return "empty";
  if (!requirement.content_types.includes(contentTypeOf(file))) return "type";
  if (file.size > requirement.max_bytes) return "size";
  return null;
}

// A file name the API accepts: letters, digits, spaces, - _ . ( ), at most 120 characters.
export function safeFileName(name) {
  const dot = name.lastIndexOf(".");
  const extension = dot > 0 ? name.slice(dot).toLowerCase().replace(/[^.a-z0-9]/g, "") : "";
  const stem = (dot > 0 ? name.slice(0, dot) : name)
    .normalize("NFC")
    .replace(/[^\w\-. ()áéíóúñÁÉÍÓÚÑü]/g, "_")
    .replace(/^\.+/, "")
    .replace(/\.{2,}/g, ".")
    .slice(0, 120 - extension.length)
    .trim();
  return `${stem || "documento"}${extension}`;
}

export async function sha256Hex(file) {
  if (!crypto.subtle) throw new Error("crypto.subtle unavailable: the page must be served over HTTPS or from localhost");
  const digest = await crypto.subtle.digest("SHA-256", await file.arrayBuffer());
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, "0")).join("");
}

export class UploadFailed extends Error {
  constructor(status) {
    super(`upload failed: HTTP ${status}`);
    this.status = status;
  }
}

function put(upload, file, onProgress) {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open(upload.method || "PUT", upload.url);
    for (const [name, value] of Object.entries(upload.headers || {})) request.setRequestHeader(name, value);
    request.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    });
    request.addEventListener("load", () => (request.status >= 200 && request.status < 300 ? resolve() : reject(new UploadFailed(request.status))));
    request.addEventListener("error", () => reject(new UploadFailed(0)));
    request.addEventListener("abort", () => reject(new UploadFailed(0)));
    request.send(file);
  });
}

// phase(name) reports "hashing", "declaring", "uploading" and "done"; progress(0..1) the bytes sent.
export async function uploadDocument(applicationId, requirement, file, { phase = () => {}, progress = () => {} } = {}) {
  phase("hashing");
  const sha256 = await sha256Hex(file);
  phase("declaring");
  const declared = await post(
    `/applications/${encodeURIComponent(applicationId)}/documents`,
    { requirement: requirement.code, filename: safeFileName(file.name), content_type: contentTypeOf(file), size: file.size, sha256 },
    { idempotencyKey: newIdempotencyKey() },
  );
  phase("uploading");
  progress(0);
  await put(declared.upload, file, progress);
  progress(1);
  phase("done");
  return declared;
}
