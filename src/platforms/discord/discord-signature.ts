/**
 * Verification of Discord's HTTP-interaction signatures.
 *
 * Discord signs `X-Signature-Timestamp + rawBody` with the application's Ed25519 key and
 * sends the signature (hex) in `X-Signature-Ed25519`. The application's public key is
 * shown in the developer portal as 64 hex characters (the raw 32-byte key). Node's
 * crypto wants a KeyObject, so the raw key is wrapped in an SPKI DER structure.
 *
 * Never throws: malformed input simply fails verification (answer 401 in that case).
 */
import { createPublicKey, verify, type KeyObject } from 'node:crypto';

/** DER prefix of an SPKI structure for an Ed25519 key (OID 1.3.101.112), followed by the 32 raw bytes. */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

const PUBLIC_KEY_HEX = /^[0-9a-fA-F]{64}$/;
const SIGNATURE_HEX = /^[0-9a-fA-F]{128}$/;

const keyCache = new Map<string, KeyObject>();

function publicKeyFromHex(publicKeyHex: string): KeyObject | null {
  if (!PUBLIC_KEY_HEX.test(publicKeyHex)) return null;
  const normalized = publicKeyHex.toLowerCase();
  let key = keyCache.get(normalized);
  if (!key) {
    try {
      key = createPublicKey({
        key: Buffer.concat([ED25519_SPKI_PREFIX, Buffer.from(normalized, 'hex')]),
        format: 'der',
        type: 'spki',
      });
    } catch {
      return null;
    }
    if (keyCache.size > 32) keyCache.clear();
    keyCache.set(normalized, key);
  }
  return key;
}

/**
 * Checks a Discord interaction signature.
 *
 * @param publicKeyHex the application's public key (64 hex characters)
 * @param signatureHex the `X-Signature-Ed25519` header (128 hex characters)
 * @param timestamp the `X-Signature-Timestamp` header, exactly as received
 * @param rawBody the request body bytes, exactly as received (do not re-serialize parsed JSON)
 */
export function verifyDiscordSignature(
  publicKeyHex: string | undefined | null,
  signatureHex: string | undefined | null,
  timestamp: string | undefined | null,
  rawBody: string | Uint8Array,
): boolean {
  if (typeof publicKeyHex !== 'string' || typeof signatureHex !== 'string' || typeof timestamp !== 'string') {
    return false;
  }
  if (!SIGNATURE_HEX.test(signatureHex) || timestamp.length === 0) return false;
  const key = publicKeyFromHex(publicKeyHex);
  if (!key) return false;
  const body = typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : Buffer.from(rawBody);
  const message = Buffer.concat([Buffer.from(timestamp, 'utf8'), body]);
  try {
    return verify(null, message, key, Buffer.from(signatureHex, 'hex'));
  } catch {
    return false;
  }
}
