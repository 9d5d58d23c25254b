import { signStreamTicket, verifyStreamTicket } from './stream-ticket';

describe('a stream ticket', () => {
  const secret = 'a-shared-secret-of-at-least-32-characters';
  const ticket = { downloadId: '6f0c7a3e-2b1d-4c5e-8f9a-0b1c2d3e4f5a', fileIndex: 2, expiresAt: 2_000_000 };

  it('opens exactly the file of the download it was signed for, until it expires', () => {
    const token = signStreamTicket(secret, ticket);

    expect(verifyStreamTicket(secret, token, { downloadId: ticket.downloadId, fileIndex: 2 }, 1_999_999)).toBe(true);
    expect(verifyStreamTicket(secret, token, { downloadId: ticket.downloadId, fileIndex: 3 }, 1_999_999)).toBe(false);
    expect(verifyStreamTicket(secret, token, { downloadId: '0b7e3a5c-6f3e-4c0e-9a57-2f8e1d4c7b21', fileIndex: 2 }, 1_999_999)).toBe(false);
    expect(verifyStreamTicket(secret, token, { downloadId: ticket.downloadId, fileIndex: 2 }, 2_000_001)).toBe(false);
  });

  it('is refused when signed with another secret, tampered with, or not a ticket at all', () => {
    const token = signStreamTicket(secret, ticket);
    const later = token.replace(/^\d+/, '9999999999999');
    for (const bad of [signStreamTicket('another-secret-of-at-least-32-characters!', ticket), later, '', 'x', `${ticket.expiresAt}.`, token + 'A']) {
      expect(verifyStreamTicket(secret, bad, { downloadId: ticket.downloadId, fileIndex: 2 }, 1_000_000)).toBe(false);
    }
  });
});
