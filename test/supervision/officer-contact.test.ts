import { describe, expect, it } from 'vitest';
import { loadOfficerContacts, officerContactFor } from '../../src/supervision/officer-contact.ts';

describe("the privacy officers' contacts from configuration", () => {
  it("names the municipality's officer with DEMO defaults, and each ONTSCHOT_OFFICER_* variable overrides one line", () => {
    const contacts = loadOfficerContacts({ ONTSCHOT_OFFICER_EMAIL: 'fg@utrecht.example', ONTSCHOT_OFFICER_URL: 'https://utrecht.example/fg' });
    expect(contacts.hub).toMatchObject({ name: 'Functionaris gegevensbescherming, Gemeente Utrecht (demo)', email: 'fg@utrecht.example', url: 'https://utrecht.example/fg' });
    expect(contacts.hub.phone).toBeTruthy();
    expect(contacts.hub.postalAddress).toBeTruthy();
  });

  it("gives an organisation's officer that organisation's contact when configured, else the hub's", () => {
    const contacts = loadOfficerContacts({ ONTSCHOT_OFFICER_CONTACTS: JSON.stringify({ 'ggz-de-horizon': { name: 'FG GGZ De Horizon', email: 'fg@horizon.example' } }) });
    expect(officerContactFor(contacts, { kind: 'organisation', organisationId: 'ggz-de-horizon' })).toEqual({ name: 'FG GGZ De Horizon', email: 'fg@horizon.example', phone: null, postalAddress: null, url: null });
    expect(officerContactFor(contacts, { kind: 'organisation', organisationId: 'wijkteam-oost' })).toBe(contacts.hub);
    expect(officerContactFor(contacts, { kind: 'hub' })).toBe(contacts.hub);
  });

  it('refuses ONTSCHOT_OFFICER_CONTACTS that is not JSON, names an unknown organisation, or holds other keys, naming the variable only', () => {
    const cases = ['{not json', '[]', JSON.stringify({ 'no-such-org-SECRET': { name: 'x' } }), JSON.stringify({ 'wijkteam-oost': { name: 'x', password: 'SECRET' } }), JSON.stringify({ 'wijkteam-oost': { name: 42 } })];
    for (const value of cases) {
      let message = '';
      try {
        loadOfficerContacts({ ONTSCHOT_OFFICER_CONTACTS: value });
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message, value).toMatch(/^ONTSCHOT_OFFICER_CONTACTS: /);
      expect(message).not.toContain('SECRET');
    }
  });
});
