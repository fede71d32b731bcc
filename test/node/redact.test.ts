/** The one place a credential's key is cut out of what leaves the node (transport/redact.ts), in every form it may come back in. */
import { REDACTED, Redactor, credentialSecrets } from '../../nodes/Sam3/transport/redact';

const KEY = 'key-id-7:s3cr3t half';
const redact = new Redactor(credentialSecrets({ apiKey: KEY }));

describe('Redactor', () => {
	it.each([
		['as is', `Invalid API key: ${KEY} is not active`],
		['after Key', `sent Authorization: Key ${KEY}`],
		['URL-encoded, upper-case hex', `?key=${encodeURIComponent(KEY)}`],
		['URL-encoded, lower-case hex', `?key=${encodeURIComponent(KEY).replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase())}`],
		['form-encoded (+ for a space)', `key=${encodeURIComponent(KEY).replace(/%20/g, '+')}`],
		['its secret half alone', 'secret s3cr3t half rejected'],
	])('cuts the key out when quoted %s', (_, text) => {
		const shown = redact.text(text);
		expect(shown).toContain(REDACTED);
		expect(shown).not.toMatch(/s3cr3t/i);
	});

	it('reaches every string of an item\'s JSON and an error\'s fields, and leaves values without the key as they were', () => {
		const json = { a: 1, nested: { list: ['fine', `x ${KEY}`] }, same: { untouched: true } };
		const out = redact.json(json);
		expect(out).toEqual({ a: 1, nested: { list: ['fine', `x ${REDACTED}`] }, same: { untouched: true } });
		expect(out.same).toBe(json.same);
		expect(redact.json({ clean: 'yes' })).toEqual({ clean: 'yes' });
		const error = Object.assign(new Error(`bad ${KEY}`), { description: `see ${KEY}`, errorType: KEY });
		redact.error(error);
		expect([error.message, error.description, error.errorType, error.stack?.includes('s3cr3t')]).toEqual([`bad ${REDACTED}`, `see ${REDACTED}`, REDACTED, false]);
	});

	it('a credential without a key, or a key too short to search for, changes nothing but URL user-info', () => {
		expect(new Redactor(credentialSecrets({})).text('https://u:p@host/x key')).toBe('https://host/x key');
		expect(new Redactor(['abc']).text('abc abc')).toBe('abc abc');
	});
});
