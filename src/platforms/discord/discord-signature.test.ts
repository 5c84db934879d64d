import { describe, expect, it } from 'vitest';
import { generateDiscordKeyPair, signDiscordRequest } from '../../testing/discord-sign.js';
import { verifyDiscordSignature } from './discord-signature.js';

describe('verifyDiscordSignature', () => {
  const keys = generateDiscordKeyPair();
  const body = JSON.stringify({ type: 1, id: '123', token: 'tok' });
  const timestamp = '1700000000';
  const signature = signDiscordRequest(keys.privateKey, timestamp, body);

  it('exports the public key as 32 raw bytes in hex', () => {
    expect(keys.publicKeyHex).toMatch(/^[0-9a-f]{64}$/);
    expect(signature).toMatch(/^[0-9a-f]{128}$/);
  });

  it('accepts a good signature (string or bytes body)', () => {
    expect(verifyDiscordSignature(keys.publicKeyHex, signature, timestamp, body)).toBe(true);
    expect(verifyDiscordSignature(keys.publicKeyHex, signature, timestamp, Buffer.from(body))).toBe(true);
    expect(verifyDiscordSignature(keys.publicKeyHex.toUpperCase(), signature.toUpperCase(), timestamp, body)).toBe(true);
  });

  it('rejects a signature made with another key', () => {
    const other = generateDiscordKeyPair();
    expect(verifyDiscordSignature(other.publicKeyHex, signature, timestamp, body)).toBe(false);
    const foreign = signDiscordRequest(other.privateKey, timestamp, body);
    expect(verifyDiscordSignature(keys.publicKeyHex, foreign, timestamp, body)).toBe(false);
  });

  it('rejects a tampered body or timestamp', () => {
    expect(verifyDiscordSignature(keys.publicKeyHex, signature, timestamp, body.replace('123', '124'))).toBe(false);
    expect(verifyDiscordSignature(keys.publicKeyHex, signature, '1700000001', body)).toBe(false);
  });

  it('rejects malformed input without throwing', () => {
    expect(verifyDiscordSignature('zz', signature, timestamp, body)).toBe(false);
    expect(verifyDiscordSignature(keys.publicKeyHex, 'not-hex', timestamp, body)).toBe(false);
    expect(verifyDiscordSignature(keys.publicKeyHex, signature.slice(2), timestamp, body)).toBe(false);
    expect(verifyDiscordSignature(`${keys.publicKeyHex.slice(0, 62)}xy`, signature, timestamp, body)).toBe(false);
    expect(verifyDiscordSignature(keys.publicKeyHex, signature, '', body)).toBe(false);
    expect(verifyDiscordSignature(undefined, undefined, undefined, body)).toBe(false);
    expect(verifyDiscordSignature('00'.repeat(32), '00'.repeat(64), timestamp, body)).toBe(false);
  });
});
