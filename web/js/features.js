// Features whose API may not be deployed yet (ratings): the page asks once with an empty
// body, which a deployed route refuses with a 4xx validation error and writes nothing; a
// missing route answers 404, or 403 from the gateway.

import { ApiError, post } from "./api.js";

const known = new Map();

function missing(error) {
  return error instanceof ApiError && (error.routeMissing || error.code === "no_rule");
}

async function probe(name, path) {
  if (!known.has(name)) {
    known.set(
      name,
      post(path, {})
        .then(() => true)
        .catch((error) => {
          if (missing(error)) return false;
          if (error instanceof ApiError && error.status >= 400 && error.status < 500 && error.status !== 401) return true;
          known.delete(name);
          return false;
        }),
    );
  }
  return known.get(name);
}

export const ratingsAvailable = (applicationId) => probe("ratings", `/applications/${encodeURIComponent(applicationId)}/rating`);
export const isMissingRoute = missing;
