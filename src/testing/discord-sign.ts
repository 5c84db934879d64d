/**
 * Test helpers that play Discord's side of HTTP-interaction signing (Ed25519, node:crypto only).
 * Verification lives in src/platforms/discord/discord-signature.ts.
 */
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';

export interface DiscordKeyPair {
  /** The raw 32-byte public key as 64 lowercase hex characters, like an application's "Public Key". */
  publicKeyHex: string;
  /** Ed25519 private key to sign requests with. */
  privateKey: KeyObject;
}

export function generateDiscordKeyPair(): DiscordKeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  // The SPKI DER of an Ed25519 key is a 12-byte prefix followed by the 32 raw key bytes.
  const spki = publicKey.export({ format: 'der', type: 'spki' });
  return { publicKeyHex: spki.subarray(spki.length - 32).toString('hex'), privateKey };
}

/** Signs `timestamp + body` the way Discord does; returns the `X-Signature-Ed25519` value (hex). */
export function signDiscordRequest(privateKey: KeyObject, timestamp: string, body: string | Uint8Array): string {
  const bodyBytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body);
  return sign(null, Buffer.concat([Buffer.from(timestamp, 'utf8'), bodyBytes]), privateKey).toString('hex');
}

/**
 * Headers for a signed interaction POST. `timestamp` defaults to the current Unix time in
 * seconds, as Discord sends it.
 */
export function discordSignatureHeaders(
  privateKey: KeyObject,
  body: string | Uint8Array,
  timestamp: string = Math.floor(Date.now() / 1000).toString(),
): { 'content-type': string; 'x-signature-ed25519': string; 'x-signature-timestamp': string } {
  return {
    'content-type': 'application/json',
    'x-signature-ed25519': signDiscordRequest(privateKey, timestamp, body),
    'x-signature-timestamp': timestamp,
  };
}
