// Every setting comes from /config.json (written by the local stack, or next to the
// files on S3/CloudFront): the API base, the AWS endpoint and region, the user pool.

let settings = null;

export async function loadConfig() {
  const response = await fetch("config.json", { cache: "no-store" });
  if (!response.ok) throw new Error(`config.json: HTTP ${response.status}`);
  const raw = await response.json();
  if (!raw.api || !raw.cognito?.clientId || !raw.aws?.region) throw new Error("config.json lacks api, aws.region or cognito.clientId");
  settings = Object.freeze({
    api: raw.api.replace(/\/+$/, ""),
    region: raw.aws.region,
    cognitoEndpoint: raw.aws.endpoint || `https://cognito-idp.${raw.aws.region}.amazonaws.com/`,
    userPoolId: raw.cognito.userPoolId,
    clientId: raw.cognito.clientId,
    sandbox: raw.sandbox === true,
    stage: raw.stage || "",
    // kiosk mode (see kiosk.js): on for every page, and the inactivity before sign-out
    kiosk: Object.freeze({ enabled: raw.kiosk?.enabled === true, idleSeconds: positive(raw.kiosk?.idleSeconds, 120) }),
  });
  return settings;
}

function positive(value, fallback) {
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? value : fallback;
}

export function config() {
  if (!settings) throw new Error("config.json not loaded yet");
  return settings;
}
