// The connection alert mails, rendered from MJML in both languages: what broke and how to fix it, or that it works again.
import { describe, expect, it } from 'vitest';
import type { ConnectionTransition } from '../../contracts/connection-test.js';
import { renderConnectionAlert } from '../../email/connection-alert.js';

const broken: ConnectionTransition = {
  transitionId: 'acme:1',
  companyId: 'acme',
  seq: 1,
  kind: 'broken',
  at: '2026-11-30T05:00:00.000Z',
  failingChecks: ['credentials'],
};

describe('connection alert mail', () => {
  it('says in English what broke and how to fix it in Personio', async () => {
    const mail = await renderConnectionAlert({ transition: broken, company: { name: 'Acme <GmbH>', locale: 'en', timezone: 'Europe/Berlin' }, settingsUrl: 'https://platform.example/companies/acme/personio' });
    expect(mail.subject).toBe('Action needed: the Personio connection of Acme <GmbH> stopped working');
    expect(mail.text).toContain('Personio rejected the client ID or secret');
    expect(mail.text).toContain('30 Nov 2026, 06:00');
    expect(mail.text).toContain('This is the only warning until the connection works again');
    expect(mail.html).toContain('Acme &lt;GmbH&gt;');
    expect(mail.html).not.toContain('Acme <GmbH>');
    expect(mail.html).toContain('href="https://platform.example/companies/acme/personio"');
  });

  it('names every failing check in German', async () => {
    const mail = await renderConnectionAlert({
      transition: { ...broken, failingChecks: ['persons_readable', 'compensations_writable'] },
      company: { name: 'Acme', locale: 'de', timezone: 'Europe/Berlin' },
      settingsUrl: 'https://p.example/x',
    });
    expect(mail.subject).toBe('Handlungsbedarf: Die Personio-Verbindung von Acme funktioniert nicht mehr');
    expect(mail.text).toContain('„Mitarbeiter lesen“ (personio:persons:read)');
    expect(mail.text).toContain('„Vergütungen schreiben“');
    expect(mail.text).toContain('30.11.2026, 06:00');
  });

  it('says that it works again, since when it was broken, and lists no checks', async () => {
    const restored: ConnectionTransition = { ...broken, transitionId: 'acme:2', seq: 2, kind: 'restored', at: '2026-12-01T08:00:00.000Z', failingChecks: [], brokenSince: broken.at };
    const en = await renderConnectionAlert({ transition: restored, company: { name: 'Acme', locale: 'en', timezone: 'Europe/Berlin' }, settingsUrl: 'https://p.example/x' });
    expect(en.subject).toBe('The Personio connection of Acme works again');
    expect(en.text).toContain('it had failed since 30 Nov 2026, 06:00');
    expect(en.text).not.toContain('What failed');
    const de = await renderConnectionAlert({ transition: restored, company: { name: 'Acme', locale: 'de', timezone: 'Europe/Berlin' }, settingsUrl: 'https://p.example/x' });
    expect(de.subject).toBe('Die Personio-Verbindung von Acme funktioniert wieder');
    expect(de.html).toContain('fehlgeschlagen seit 30.11.2026, 06:00');
  });
});
