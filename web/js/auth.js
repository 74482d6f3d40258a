// Sign-in with Amazon Cognito's JSON API, called directly with fetch (no SDK, no build).
// The ID token lives in sessionStorage: it goes when the tab closes. The refresh token is
// kept beside it only so that signing out can revoke it in Cognito (the app never refreshes).

import { config } from "./config.js";

const STORAGE_KEY = "ventanilla.session";
const REFRESH_KEY = "ventanilla.refresh";
const listeners = new Set();

export class CognitoError extends Error {
  constructor(type, message) {
    super(message || type);
    this.type = type;
  }
}

async function cognito(action, body) {
  let response;
  try {
    response = await fetch(config().cognitoEndpoint, {
      method: "POST",
      headers: { "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": `AWSCognitoIdentityProviderService.${action}` },
      body: JSON.stringify(body),
    });
  } catch {
    throw new CognitoError("NetworkError");
  }
  let payload = {};
  try {
    payload = await response.json();
  } catch {
    payload = {};
  }
  if (!response.ok) {
    const type = String(payload.__type || response.headers.get("x-amzn-errortype") || "UnknownError").split("#").pop().split(":")[0];
    throw new CognitoError(type, payload.message);
  }
  return payload;
}

export async function signIn(username, password) {
  const result = await cognito("InitiateAuth", {
    AuthFlow: "USER_PASSWORD_AUTH",
    ClientId: config().clientId,
    AuthParameters: { USERNAME: username, PASSWORD: password },
  });
  const token = result.AuthenticationResult?.IdToken;
  if (!token) throw new CognitoError(result.ChallengeName || "UnsupportedChallenge");
  const refresh = result.AuthenticationResult.RefreshToken;
  if (refresh) sessionStorage.setItem(REFRESH_KEY, refresh);
  store(token);
  return session();
}

export async function signUp({ curp, password, phone, name, locale }) {
  return cognito("SignUp", {
    ClientId: config().clientId,
    Username: curp,
    Password: password,
    UserAttributes: [
      { Name: "phone_number", Value: phone },
      { Name: "name", Value: name },
      { Name: "locale", Value: locale },
    ],
  });
}

export async function confirmSignUp(username, code) {
  return cognito("ConfirmSignUp", { ClientId: config().clientId, Username: username, ConfirmationCode: code });
}

export async function resendCode(username) {
  return cognito("ResendConfirmationCode", { ClientId: config().clientId, Username: username });
}

function decodeClaims(token) {
  const part = token.split(".")[1] || "";
  const base64 = part.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(part.length / 4) * 4, "=");
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes));
}

function store(token) {
  sessionStorage.setItem(STORAGE_KEY, token);
  for (const listener of listeners) listener();
}

// Ends the session in this tab at once, then in Cognito: the refresh token is revoked, so a
// copy of it (left on a shared screen, read from this tab) cannot mint new tokens. Resolves
// when Cognito has answered; the session here has ended either way.
export async function signOut() {
  const had = sessionStorage.getItem(STORAGE_KEY) !== null;
  const refresh = sessionStorage.getItem(REFRESH_KEY);
  sessionStorage.removeItem(STORAGE_KEY);
  sessionStorage.removeItem(REFRESH_KEY);
  if (had) for (const listener of listeners) listener();
  if (refresh) await revoke(refresh);
}

async function revoke(token) {
  try {
    await cognito("RevokeToken", { ClientId: config().clientId, Token: token });
  } catch {
    // offline or refused: the token has left this browser, and expires on its own
  }
}

export function onSessionChange(listener) {
  listeners.add(listener);
}

// The signed-in user, or null. The API verifies the token; here we only read it.
export function session() {
  const token = sessionStorage.getItem(STORAGE_KEY);
  if (!token) return null;
  let claims;
  try {
    claims = decodeClaims(token);
  } catch {
    signOut();
    return null;
  }
  if (typeof claims.exp === "number" && claims.exp * 1000 < Date.now() + 10_000) {
    signOut();
    return null;
  }
  const groups = Array.isArray(claims["cognito:groups"]) ? claims["cognito:groups"] : [];
  const agencies = [...new Set(groups.flatMap((group) => group.match(/^(?:official|supervisor)-(.+)$/)?.slice(1) || []))].sort();
  // community centres and call centres alike: a call-centre agent (callcentre-<centre>) files by phone
  const centres = [...new Set(groups.flatMap((group) => group.match(/^(?:assistant|callcentre)-(.+)$/)?.slice(1) || []))].sort();
  const inPerson = groups.some((group) => group.startsWith("assistant-"));
  const isPrivacyOfficer = groups.includes("privacy-officer");
  // publishers: the national administrators (admin, any procedure) and a jurisdiction's (admin-<INEGI code>)
  const publishes = [...new Set(groups.flatMap((group) => group.match(/^admin-(.+)$/)?.slice(1) || []))].sort();
  const isPublisher = groups.includes("admin") || publishes.length > 0;
  const staff = agencies.length > 0 || isPublisher || centres.length > 0 || isPrivacyOfficer;
  return {
    token,
    username: claims["cognito:username"] || "",
    groups,
    agencies,
    isOfficial: agencies.length > 0,
    centres,
    isAssistant: centres.length > 0,
    isAgent: centres.length > 0 && !inPerson,
    isPrivacyOfficer,
    isNationalPublisher: groups.includes("admin"),
    publishes,
    isPublisher,
    isCitizen: !staff,
    expiresAt: claims.exp ? new Date(claims.exp * 1000) : null,
  };
}
