/**
 * ECDH for DeriveSharedSecret: the KMS key's private half with the caller's public key (DER SPKI).
 * The shared secret is the raw x-coordinate, as KMS returns it.
 */
import { createPrivateKey, createPublicKey, diffieHellman, type KeyObject } from 'node:crypto';
import { KmsError } from '../../kms-error';

function peerKey(spki: Uint8Array, curve: string | undefined, keySpec: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
  } catch {
    // AWS answers a PublicKey that is not DER SPKI with an empty-message ValidationException (validated snapshot).
    throw new KmsError('ValidationException', '');
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== curve) {
    throw new KmsError('ValidationException', `The public key is not on the curve of key spec ${keySpec}.`);
  }
  return key;
}

export function deriveSharedSecret(pkcs8: Uint8Array, keySpec: string, peerSpki: Uint8Array): Uint8Array {
  const privateKey = createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' });
  const publicKey = peerKey(peerSpki, privateKey.asymmetricKeyDetails?.namedCurve, keySpec);
  return new Uint8Array(diffieHellman({ privateKey, publicKey }));
}
