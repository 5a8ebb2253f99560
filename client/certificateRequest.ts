/**
 * PKCS#10 certificate signing requests signed by a key in KMS, so the private key never leaves KMS.
 * node-forge's own CSR code encodes RSA public keys only, so the request is assembled here with its ASN.1
 * helpers: the subject Name through forge's Name encoding (as its own CSRs), the SubjectPublicKeyInfo as
 * KMS GetPublicKey returns it, and the signature from the injected signer (KMS Sign in the extension).
 * No `vscode` here, so tests build requests against the local KMS directly.
 */
import type forge from 'node-forge';
import type { SigningAlgorithmSpec } from '@aws-sdk/client-kms';

/** Signs the DER CertificationRequestInfo as it is (MessageType RAW) with the given KMS algorithm. */
export type CsrSigner = (toBeSigned: Uint8Array, signingAlgorithm: SigningAlgorithmSpec) => Promise<Uint8Array>;

/** The parts of KMS KeyMetadata that decide how a key signs a request. */
export interface CsrKey {
  KeySpec?: string;
  KeyUsage?: string;
}

interface CsrProfile {
  signingAlgorithm: SigningAlgorithmSpec;
  /** The X.509 signatureAlgorithm of that KMS signature. */
  oid: string;
  /** RSA AlgorithmIdentifiers carry NULL parameters; ECDSA and Ed25519 ones have none (RFC 5758, RFC 8410). */
  nullParameters: boolean;
}

const SHA256_WITH_RSA: CsrProfile = { signingAlgorithm: 'RSASSA_PKCS1_V1_5_SHA_256', oid: '1.2.840.113549.1.1.11', nullParameters: true };
const ECDSA_SHA256: CsrProfile = { signingAlgorithm: 'ECDSA_SHA_256', oid: '1.2.840.10045.4.3.2', nullParameters: false };

const PROFILES: Record<string, CsrProfile> = {
  // PKCS#1 v1.5 with SHA-256 for every RSA size: what CAs expect, and the one KMS offers for all of them.
  RSA_2048: SHA256_WITH_RSA,
  RSA_3072: SHA256_WITH_RSA,
  RSA_4096: SHA256_WITH_RSA,
  // The hash that matches the curve's strength, the only one KMS offers for each; KMS ECDSA signatures are DER.
  ECC_NIST_P256: ECDSA_SHA256,
  ECC_SECG_P256K1: ECDSA_SHA256,
  ECC_NIST_P384: { signingAlgorithm: 'ECDSA_SHA_384', oid: '1.2.840.10045.4.3.3', nullParameters: false },
  ECC_NIST_P521: { signingAlgorithm: 'ECDSA_SHA_512', oid: '1.2.840.10045.4.3.4', nullParameters: false },
  // Pure Ed25519: KMS signs the raw message and returns the 64-byte signature X.509 expects.
  ECC_NIST_EDWARDS25519: { signingAlgorithm: 'ED25519_SHA_512', oid: '1.3.101.112', nullParameters: false },
};

const USAGE_NAMES: Record<string, string> = {
  ENCRYPT_DECRYPT: 'an encryption key',
  KEY_AGREEMENT: 'a key agreement key',
  GENERATE_VERIFY_MAC: 'an HMAC key',
};

/** A key that cannot sign a certificate signing request, or a request that could not be built. */
export class CsrError extends Error {
  override name = 'CsrError';
}

/** Why this key cannot sign a certificate signing request, or undefined when it can. */
export function csrUnsupportedReason(key: CsrKey): string | undefined {
  if (key.KeyUsage !== 'SIGN_VERIFY') {
    return `it is ${USAGE_NAMES[key.KeyUsage ?? ''] ?? 'not a signing key'} (${key.KeyUsage ?? 'no key usage'}); a request is signed, so it needs an RSA or ECC key with key usage SIGN_VERIFY.`;
  }
  if (!key.KeySpec || !PROFILES[key.KeySpec]) {
    return `${key.KeySpec ?? 'this key spec'} is not supported for requests; use an RSA key or an ECC key (NIST P-256, P-384, P-521, secp256k1 or Ed25519) with key usage SIGN_VERIFY.`;
  }
  return undefined;
}

/** The KMS signing algorithm a request signed by this key uses. */
export function csrSigningAlgorithm(key: CsrKey): SigningAlgorithmSpec {
  return profileOf(key).signingAlgorithm;
}

function profileOf(key: CsrKey): CsrProfile {
  const reason = csrUnsupportedReason(key);
  if (reason) throw new CsrError(`This key cannot sign a certificate signing request: ${reason}`);
  return PROFILES[key.KeySpec ?? ''];
}

/** The attribute short names node-forge knows; any other would fail only when the request is built. */
export const SUBJECT_NAMES = ['CN', 'O', 'OU', 'L', 'ST', 'C', 'E'];

/** `CN=app.example.com,O=Example` as forge subject fields; undefined when it is not NAME=value pairs of SUBJECT_NAMES. */
export function parseSubject(text: string): forge.pki.CertificateField[] | undefined {
  const parts = text.split(',').map((p) => p.trim()).filter(Boolean);
  const fields = parts.map((p) => /^([A-Za-z]+)=(.+)$/.exec(p)).map((m) => (m ? { shortName: m[1].toUpperCase(), value: m[2].trim() } : undefined));
  return fields.length && fields.every((f) => f && SUBJECT_NAMES.includes(f.shortName)) ? (fields as forge.pki.CertificateField[]) : undefined;
}

/** Present in node-forge, missing from its type definitions. */
interface ForgeExtras {
  pki: { distinguishedNameToAsn1(name: { attributes: forge.pki.CertificateField[] }): forge.asn1.Asn1 };
  asn1: { fromDer(bytes: string, options: { strict: boolean; decodeBitStrings: boolean }): forge.asn1.Asn1 };
}

export interface CsrRequest {
  key: CsrKey;
  /** The DER SubjectPublicKeyInfo from KMS GetPublicKey. */
  publicKey: Uint8Array;
  subject: forge.pki.CertificateField[];
  sign: CsrSigner;
}

/** The PEM certificate signing request (PKCS#10, RFC 2986). */
export async function buildCsr(request: CsrRequest): Promise<string> {
  const profile = profileOf(request.key);
  const { default: forge } = await import('node-forge'); // loaded on first use: it is large and rarely needed
  const { asn1 } = forge;
  const extras = forge as unknown as ForgeExtras;
  const { UNIVERSAL, CONTEXT_SPECIFIC } = asn1.Class;
  const { SEQUENCE, INTEGER, OID, NULL, BITSTRING } = asn1.Type;
  // setSubject fills in the OIDs and value types exactly as for forge's own requests (on copies: it mutates them).
  const named = forge.pki.createCertificationRequest();
  named.setSubject(request.subject.map((field) => ({ ...field })));
  const info = asn1.create(UNIVERSAL, SEQUENCE, true, [
    asn1.create(UNIVERSAL, INTEGER, false, asn1.integerToDer(0).getBytes()),
    extras.pki.distinguishedNameToAsn1(named.subject),
    // Kept verbatim: decoding the BIT STRING as ASN.1 could mistake an EC point for a nested value.
    extras.asn1.fromDer(binary(request.publicKey), { strict: true, decodeBitStrings: false }),
    asn1.create(CONTEXT_SPECIFIC, 0, true, []),
  ]);
  const signature = await request.sign(Buffer.from(asn1.toDer(info).getBytes(), 'binary'), profile.signingAlgorithm);
  if (signature.length === 0) throw new CsrError('The signer returned no signature.');
  const algorithm = asn1.create(UNIVERSAL, SEQUENCE, true, [
    asn1.create(UNIVERSAL, OID, false, asn1.oidToDer(profile.oid).getBytes()),
    ...(profile.nullParameters ? [asn1.create(UNIVERSAL, NULL, false, '')] : []),
  ]);
  const csr = asn1.create(UNIVERSAL, SEQUENCE, true, [info, algorithm, asn1.create(UNIVERSAL, BITSTRING, false, `\0${binary(signature)}`)]);
  return forge.pem.encode({ type: 'CERTIFICATE REQUEST', body: asn1.toDer(csr).getBytes() });
}

function binary(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('binary');
}
