/**
 * Certificate signing requests built by client/certificateRequest with KMS Sign of the local KMS as the
 * signer, for every RSA and ECC signing key spec, checked by openssl (signature, subject, public key) and,
 * for RSA, by node-forge; keys that cannot sign a request are refused with the reason.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createPublicKey } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import forge from 'node-forge';
import { CreateKeyCommand, GetPublicKeyCommand, SignCommand, type KeySpec, type KeyUsageType, type KMSClient } from '@aws-sdk/client-kms';
import { buildCsr, CsrError, csrSigningAlgorithm, csrUnsupportedReason, parseSubject, SUBJECT_NAMES, type CsrSigner } from '../../../client/certificateRequest';
import { openLocalKms, type LocalKms } from '../../../src-node/host';
import { createLocalKmsClient } from '../../../src-node/local-client';

describe('certificate signing requests signed in KMS', () => {
  let kms: LocalKms;
  let client: KMSClient;
  let dir: string;
  before(async () => {
    kms = await openLocalKms({ inMemory: true });
    client = createLocalKmsClient(kms);
    dir = await mkdtemp(join(tmpdir(), 'kmsw-csr-'));
  });
  after(async () => {
    await kms.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function signingKey(spec: KeySpec, usage: KeyUsageType = 'SIGN_VERIFY') {
    const metadata = (await client.send(new CreateKeyCommand({ KeySpec: spec, KeyUsage: usage }))).KeyMetadata!;
    const publicKey = (await client.send(new GetPublicKeyCommand({ KeyId: metadata.KeyId }))).PublicKey!;
    const sign: CsrSigner = async (message, algorithm) =>
      (await client.send(new SignCommand({ KeyId: metadata.KeyId, SigningAlgorithm: algorithm, MessageType: 'RAW', Message: message }))).Signature!;
    return { metadata, publicKey, sign };
  }

  async function openssl(pem: string, ...args: string[]) {
    const file = join(dir, `${Math.random().toString(36).slice(2)}.csr`);
    await writeFile(file, pem);
    return spawnSync('openssl', ['req', '-in', file, '-noout', ...args], { encoding: 'utf8' });
  }

  const EXPECTED: [KeySpec, string][] = [
    ['RSA_2048', 'RSASSA_PKCS1_V1_5_SHA_256'],
    ['RSA_4096', 'RSASSA_PKCS1_V1_5_SHA_256'],
    ['ECC_NIST_P256', 'ECDSA_SHA_256'],
    ['ECC_NIST_P384', 'ECDSA_SHA_384'],
    ['ECC_NIST_P521', 'ECDSA_SHA_512'],
    ['ECC_SECG_P256K1', 'ECDSA_SHA_256'],
    ['ECC_NIST_EDWARDS25519', 'ED25519_SHA_512'],
  ];
  const SIGNATURE_NAMES: Record<string, RegExp> = {
    RSASSA_PKCS1_V1_5_SHA_256: /sha256WithRSAEncryption/,
    ECDSA_SHA_256: /ecdsa-with-SHA256/,
    ECDSA_SHA_384: /ecdsa-with-SHA384/,
    ECDSA_SHA_512: /ecdsa-with-SHA512/,
    ED25519_SHA_512: /ED25519/i,
  };

  for (const [spec, algorithm] of EXPECTED) {
    it(`${spec}: openssl verifies the request, its subject and its public key (${algorithm})`, async () => {
      const key = await signingKey(spec);
      assert.equal(csrSigningAlgorithm(key.metadata), algorithm);
      assert.ok(key.metadata.SigningAlgorithms?.includes(algorithm as never), `KMS offers ${algorithm} for ${spec}`);
      const used: string[] = [];
      const pem = await buildCsr({
        key: key.metadata, publicKey: key.publicKey, subject: parseSubject('CN=app.example.com, O=Example, C=DE')!,
        sign: async (message, alg) => { used.push(alg); return key.sign(message, alg); },
      });
      assert.deepEqual(used, [algorithm]);
      assert.match(pem, /^-----BEGIN CERTIFICATE REQUEST-----\r?\n/);

      const verify = await openssl(pem, '-verify');
      assert.equal(verify.status, 0, verify.stderr);
      assert.match(`${verify.stdout}${verify.stderr}`, /self-signature verify OK/);
      const subject = await openssl(pem, '-subject');
      assert.equal(subject.stdout.trim(), 'subject=CN = app.example.com, O = Example, C = DE');
      const pubkey = await openssl(pem, '-pubkey');
      assert.equal(pubkey.status, 0, pubkey.stderr);
      const kmsPem = createPublicKey({ key: Buffer.from(key.publicKey), format: 'der', type: 'spki' }).export({ format: 'pem', type: 'spki' }).toString();
      assert.equal(pubkey.stdout, kmsPem);
      const text = await openssl(pem, '-text');
      assert.match(text.stdout, /Version: 1 \(0x0\)/);
      assert.match(text.stdout, SIGNATURE_NAMES[algorithm]);
    });
  }

  it('RSA: the same bytes as node-forge\'s own request, which forge verifies', async () => {
    const key = await signingKey('RSA_2048');
    const subject = parseSubject(SUBJECT_NAMES.map((name) => `${name}=${name === 'C' ? 'DE' : name === 'E' ? 'ops@example.com' : `v-${name}`}`).join(','))!;
    let signed: Uint8Array | undefined;
    const pem = await buildCsr({ key: key.metadata, publicKey: key.publicKey, subject, sign: async (message, alg) => { signed = message; return key.sign(message, alg); } });

    const own = forge.pki.createCertificationRequest();
    own.publicKey = forge.pki.publicKeyFromAsn1(forge.asn1.fromDer(Buffer.from(key.publicKey).toString('binary')));
    own.setSubject(structuredClone(subject));
    const ownInfo = (forge.pki as unknown as { getCertificationRequestInfo(c: unknown): forge.asn1.Asn1 }).getCertificationRequestInfo(own);
    assert.equal(Buffer.from(signed!).toString('hex'), Buffer.from(forge.asn1.toDer(ownInfo).getBytes(), 'binary').toString('hex'));

    const parsed = forge.pki.certificationRequestFromPem(pem);
    assert.equal(parsed.verify(), true);
    assert.equal(parsed.subject.getField('CN').value, 'v-CN');
    assert.equal(parsed.subject.getField('ST').value, 'v-ST');
    assert.equal(parsed.subject.getField('E').value, 'ops@example.com');
    assert.equal(parsed.signatureOid, forge.pki.oids.sha256WithRSAEncryption);
  });

  it('a signature over other bytes fails openssl\'s verification', async () => {
    const key = await signingKey('ECC_NIST_P256');
    const pem = await buildCsr({
      key: key.metadata, publicKey: key.publicKey, subject: parseSubject('CN=app.example.com')!,
      sign: (message, alg) => key.sign(Buffer.concat([message, Buffer.from('x')]), alg),
    });
    // OpenSSL 3.0 exits 0 either way: its verdict is in the output.
    const verify = await openssl(pem, '-verify');
    assert.match(`${verify.stdout}${verify.stderr}`, /verify failure/);
    assert.doesNotMatch(`${verify.stdout}${verify.stderr}`, /verify OK/);
  });

  it('refuses keys that cannot sign a request, saying why', async () => {
    const cases: [KeySpec, KeyUsageType, RegExp][] = [
      ['RSA_2048', 'ENCRYPT_DECRYPT', /an encryption key \(ENCRYPT_DECRYPT\).*SIGN_VERIFY/],
      ['ECC_NIST_P256', 'KEY_AGREEMENT', /a key agreement key \(KEY_AGREEMENT\).*SIGN_VERIFY/],
      ['HMAC_256', 'GENERATE_VERIFY_MAC', /an HMAC key \(GENERATE_VERIFY_MAC\)/],
      ['SYMMETRIC_DEFAULT', 'ENCRYPT_DECRYPT', /an encryption key/],
    ];
    const created = await Promise.all(cases.map(async ([spec, usage, reason]) =>
      [(await client.send(new CreateKeyCommand({ KeySpec: spec, KeyUsage: usage }))).KeyMetadata!, reason] as const));
    // ML-DSA signing keys exist in AWS KMS; this Node.js cannot make them locally, so their metadata stands in.
    for (const [metadata, reason] of [...created, [{ KeySpec: 'ML_DSA_44', KeyUsage: 'SIGN_VERIFY' }, /ML_DSA_44 is not supported.*RSA key or an ECC key/] as const]) {
      assert.match(csrUnsupportedReason(metadata) ?? '', reason, `${metadata.KeySpec} ${metadata.KeyUsage}`);
      let signerCalled = false;
      await assert.rejects(
        buildCsr({ key: metadata, publicKey: new Uint8Array(), subject: parseSubject('CN=x')!, sign: async () => { signerCalled = true; return new Uint8Array(); } }),
        (error: unknown) => error instanceof CsrError && reason.test(error.message),
      );
      assert.equal(signerCalled, false);
    }
  });

  it('parses the subject as NAME=value pairs', () => {
    assert.deepEqual(parseSubject(' CN=app.example.com , O=Example Corp '), [{ shortName: 'CN', value: 'app.example.com' }, { shortName: 'O', value: 'Example Corp' }]);
    assert.equal(parseSubject(''), undefined);
    assert.equal(parseSubject('app.example.com'), undefined);
    assert.equal(parseSubject('CN=a,,=b'), undefined);
    // Names forge cannot map to an OID are refused here, not when the request is built.
    assert.equal(parseSubject('CN=app.example.com,DC=example'), undefined);
    assert.deepEqual(parseSubject('cn=app.example.com,ou=Platform'), [{ shortName: 'CN', value: 'app.example.com' }, { shortName: 'OU', value: 'Platform' }]);
  });
});
