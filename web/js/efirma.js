// e.firma in the browser: read the .cer and .key a person picks on their device, open the
// key with their password and sign, all inside this page. Neither the key nor the password
// is ever sent: the server receives the certificate and the signature only.
//
// WebCrypto cannot read a .key as the SAT issues it (DER PKCS#8 EncryptedPrivateKeyInfo)
// nor decrypt the 3DES schemes such files use, so the vendored node-forge opens it: PBES2
// (PBKDF2 with AES or 3DES) and the older PKCS#12 pbeWithSHAAnd3-KeyTripleDES-CBC. The
// decrypted key goes straight into WebCrypto as a non-extractable RSASSA-PKCS1-v1_5/SHA-256
// key, which signs; forge never signs. forge is loaded on first use, so only pages that
// sign download it.
//
// Refusals are EfirmaError with the field to mark ("certificate", "key", "password") and a
// code named as chalicelib/efirma names the same refusal on the server.

const FORGE_URL = new URL("../vendor/forge/forge.min.js", import.meta.url).href;
// A .cer or .key is 1 to 3 KB; anything much larger is another file picked by mistake.
const MAX_FILE_BYTES = 64 * 1024;
const OID_SERIAL_NUMBER = "2.5.4.5"; // the CURP
const OID_UNIQUE_IDENTIFIER = "2.5.4.45"; // x500UniqueIdentifier: the RFC
const OID_COMMON_NAME = "2.5.4.3";
const OID_ORGANIZATION = "2.5.4.10";
const SIGNING = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" };

export class EfirmaError extends Error {
  constructor(field, code) {
    super(`${field}: ${code}`);
    this.name = "EfirmaError";
    this.field = field;
    this.code = code;
  }
}

let forgeLoading = null;

// node-forge, imported once on demand (its UMD build defines globalThis.forge).
export function loadForge() {
  forgeLoading ??= import(FORGE_URL).then(
    () => globalThis.forge,
    (error) => {
      forgeLoading = null;
      throw error;
    },
  );
  return forgeLoading;
}

function subtle() {
  if (!globalThis.crypto?.subtle) throw new Error("crypto.subtle unavailable: the page must be served over HTTPS or from localhost");
  return globalThis.crypto.subtle;
}

const toBinary = (bytes) => {
  let text = "";
  for (let start = 0; start < bytes.length; start += 0x8000) text += String.fromCharCode(...bytes.subarray(start, start + 0x8000));
  return text;
};
const fromBinary = (text) => Uint8Array.from(text, (char) => char.charCodeAt(0));

export function toBase64(bytes) {
  return btoa(toBinary(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes)));
}

// One picked file's bytes; field is "certificate" or "key" (which error to raise).
export async function readFile(file, field) {
  if (!file) throw new EfirmaError(field, `${field}_missing`);
  if (file.size === 0 || file.size > MAX_FILE_BYTES) throw new EfirmaError(field, `${field}_unreadable`);
  return new Uint8Array(await file.arrayBuffer());
}

// The bytes of the two files a person picked: {certificate, key} (Uint8Array each).
export async function readFiles(cerFile, keyFile) {
  return { certificate: await readFile(cerFile, "certificate"), key: await readFile(keyFile, "key") };
}

// A subject attribute's text: UTF8String and BMPString as such, the 8-bit types as Latin-1.
function attributeText(forge, attribute) {
  const bytes = fromBinary(attribute.value);
  if (attribute.valueTagClass === forge.asn1.Type.UTF8) return new TextDecoder("utf-8").decode(bytes);
  if (attribute.valueTagClass === forge.asn1.Type.BMPSTRING) return new TextDecoder("utf-16be").decode(bytes);
  return attribute.value;
}

// "A / B" → ["A", "B"]; "A" → ["A", ""]; " / B" → ["", "B"] (a company's fields).
function parts(value) {
  const slash = value.indexOf("/");
  const [first, second] = slash < 0 ? [value, ""] : [value.slice(0, slash), value.slice(slash + 1)];
  return [first.trim().toUpperCase(), second.trim().toUpperCase()];
}

// The SAT writes the 20-digit número de certificado as ASCII in the serial's bytes.
function certificateNumber(serialHex) {
  const hex = serialHex.replace(/^(00)+(?=..)/, "");
  const bytes = hex.match(/../g) || [];
  const text = String.fromCharCode(...bytes.map((byte) => parseInt(byte, 16)));
  return /^[0-9]+$/.test(text) ? text : BigInt(`0x${hex || "0"}`).toString();
}

function parseCertificate(forge, der) {
  try {
    return forge.pki.certificateFromAsn1(forge.asn1.fromDer(toBinary(der)));
  } catch {
    throw new EfirmaError("certificate", "certificate_unreadable");
  }
}

// Who a .cer names, read as chalicelib/efirma/certificates.py reads it: {kind ("person" or
// "company"), name, rfc, curp, representativeRfc, representativeCurp, serial (the número de
// certificado), validFrom, validUntil (Dates), issuer}.
export async function certificateInfo(cerDer) {
  const forge = await loadForge();
  const cert = parseCertificate(forge, cerDer);
  const field = (oid) => {
    const found = cert.subject.attributes.find((attribute) => attribute.type === oid);
    return found ? attributeText(forge, found).trim() : "";
  };
  const [rfc, representativeRfc] = parts(field(OID_UNIQUE_IDENTIFIER));
  const [curp, representativeCurp] = parts(field(OID_SERIAL_NUMBER));
  if (!rfc || !(curp || representativeCurp)) throw new EfirmaError("certificate", "certificate_not_efirma");
  const issuer = cert.issuer.attributes.find((attribute) => attribute.type === OID_COMMON_NAME);
  return {
    kind: curp ? "person" : "company",
    name: field(OID_COMMON_NAME) || field(OID_ORGANIZATION),
    rfc,
    curp: curp || null,
    representativeRfc: curp ? null : representativeRfc || null,
    representativeCurp: curp ? null : representativeCurp,
    serial: certificateNumber(cert.serialNumber),
    validFrom: cert.validity.notBefore,
    validUntil: cert.validity.notAfter,
    issuer: issuer ? attributeText(forge, issuer) : "",
  };
}

// The plain PKCS#8 PrivateKeyInfo (DER bytes) inside an encrypted .key.
function decrypt(forge, keyDer, password) {
  const { asn1, pki } = forge;
  let outer;
  try {
    outer = asn1.fromDer(toBinary(keyDer));
  } catch {
    throw new EfirmaError("key", "key_unreadable");
  }
  const [algorithm, encrypted] = Array.isArray(outer.value) ? outer.value : [];
  // A PrivateKeyInfo starts with its version (an INTEGER): the key is not protected at all.
  if (algorithm?.tagClass === asn1.Class.UNIVERSAL && algorithm.type === asn1.Type.INTEGER) throw new EfirmaError("key", "key_not_encrypted");
  const schemeOid = Array.isArray(algorithm?.value) ? algorithm.value[0] : null;
  const sound =
    outer.value.length === 2 &&
    schemeOid?.type === asn1.Type.OID &&
    algorithm.value[1] &&
    encrypted?.type === asn1.Type.OCTETSTRING &&
    typeof encrypted.value === "string" &&
    encrypted.value.length > 0 &&
    encrypted.value.length % 8 === 0; // whole blocks of AES (16) or DES (8)
  if (!sound) throw new EfirmaError("key", "key_unreadable");
  const scheme = asn1.derToOid(schemeOid.value);
  if (scheme !== pki.oids.pkcs5PBES2 && scheme !== pki.oids["pbeWithSHAAnd3-KeyTripleDES-CBC"]) throw new EfirmaError("key", "key_scheme_unsupported");
  // PBES2 derives from the password's UTF-8 bytes; the PKCS#12 scheme from its UTF-16
  // code units, which forge makes from the string itself (as OpenSSL does from UTF-8).
  const secret = scheme === pki.oids.pkcs5PBES2 ? forge.util.encodeUtf8(password) : password;
  let cipher;
  try {
    cipher = pki.pbe.getCipher(scheme, algorithm.value[1], secret);
  } catch (error) {
    throw new EfirmaError("key", error?.supportedOids ? "key_scheme_unsupported" : "key_unreadable");
  }
  cipher.update(forge.util.createBuffer(encrypted.value));
  // The structure was sound, so what fails from here is the password: a wrong one leaves
  // bad padding, or (rarely) good padding over bytes that are not a key.
  if (!cipher.finish()) throw new EfirmaError("password", "key_password_wrong");
  let inner;
  try {
    inner = asn1.fromDer(cipher.output.getBytes());
  } catch {
    throw new EfirmaError("password", "key_password_wrong");
  }
  const keyAlgorithm = inner.value?.[1]?.value?.[0];
  if (!Array.isArray(inner.value) || inner.value.length < 3 || keyAlgorithm?.type !== asn1.Type.OID) throw new EfirmaError("password", "key_password_wrong");
  if (asn1.derToOid(keyAlgorithm.value) !== pki.oids.rsaEncryption) throw new EfirmaError("key", "key_not_rsa");
  return fromBinary(asn1.toDer(inner).getBytes());
}

async function publicKeyOf(forge, cerDer) {
  const cert = parseCertificate(forge, cerDer);
  const spki = fromBinary(forge.asn1.toDer(forge.pki.publicKeyToAsn1(cert.publicKey)).getBytes());
  return subtle().importKey("spki", spki, SIGNING, false, ["verify"]);
}

// Opens a .key with its password: a non-extractable WebCrypto key that can only sign.
// Given the certificate, also checks the key is that certificate's (it signs a random
// text and the certificate's public key must verify it).
export async function unlock(keyDer, password, cerDer = null) {
  const forge = await loadForge();
  const plain = decrypt(forge, keyDer, password);
  let privateKey;
  try {
    privateKey = await subtle().importKey("pkcs8", plain, SIGNING, false, ["sign"]);
  } catch {
    throw new EfirmaError("key", "key_unreadable");
  } finally {
    plain.fill(0);
  }
  if (cerDer) {
    const probe = crypto.getRandomValues(new Uint8Array(32));
    const signature = await subtle().sign(SIGNING, privateKey, probe);
    if (!(await subtle().verify(SIGNING, await publicKeyOf(forge, cerDer), signature, probe))) throw new EfirmaError("key", "key_not_certificate");
  }
  return privateKey;
}

// The base64 signature (sello) of the text's UTF-8 bytes: RSA PKCS#1 v1.5 with SHA-256, as
// chalicelib/efirma/keys.py signs and the server verifies.
export async function sign(privateKey, text) {
  return toBase64(await subtle().sign(SIGNING, privateKey, new TextEncoder().encode(text)));
}
