import { SecretCipher } from './secret-cipher';

describe('SecretCipher', () => {
  const cipher = new SecretCipher('k'.repeat(40));

  it('decrypts what it encrypted, and never stores the plaintext', () => {
    const stored = cipher.encrypt('jackett-api-key-123');
    expect(stored).not.toContain('jackett');
    expect(cipher.decrypt(stored)).toBe('jackett-api-key-123');
  });

  it('encrypts the same secret differently each time (random IV)', () => {
    expect(cipher.encrypt('same')).not.toBe(cipher.encrypt('same'));
  });

  it('refuses a tampered value and a value encrypted under another key', () => {
    const stored = cipher.encrypt('secret');
    const parts = stored.split('.');
    parts[3] = Buffer.from('tampered').toString('base64url');
    expect(() => cipher.decrypt(parts.join('.'))).toThrow();
    expect(() => new SecretCipher('z'.repeat(40)).decrypt(stored)).toThrow();
  });

  it('refuses a key shorter than 32 characters', () => {
    expect(() => new SecretCipher('short')).toThrow(/32 characters/);
  });
});
