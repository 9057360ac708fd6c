// auditPath: whatever a registration token is, and however it is written, the stored path never holds it;
// every other admin path is kept as sent.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { auditPath } from '../../src/proxy/pass-through-audit.ts';

const METHODS = fc.constantFrom('PUT', 'DELETE', 'POST', 'PATCH');
/** Raw path characters, percent escapes included. */
const rawSegment = fc.stringMatching(/^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2})+$/);

describe('auditPath', () => {
  it('masks the whole rest of the path after registration_tokens (any spelling Synapse decodes to it)', () => {
    fc.assert(
      fc.property(
        METHODS,
        fc.constantFrom('v1', 'v2', 'v3'),
        fc.constantFrom('registration_tokens', 'registration%5Ftokens', 'registration%5ftokens', 'REGISTRATION_TOKENS'),
        fc.array(rawSegment, { minLength: 1, maxLength: 3 }),
        (method, version, name, rest) => {
          const tail = rest.join('/');
          fc.pre(!(method === 'POST' && tail === 'new'));
          const prefix = `/_synapse/admin/${version}/${name}`;
          expect(auditPath(method, `${prefix}/${tail}`)).toBe(`${prefix}/[redacted]`);
        },
      ),
    );
  });

  it('keeps POST …/registration_tokens/new (it creates a token, naming none) and the listing', () => {
    expect(auditPath('POST', '/_synapse/admin/v1/registration_tokens/new')).toBe('/_synapse/admin/v1/registration_tokens/new');
    expect(auditPath('PUT', '/_synapse/admin/v1/registration_tokens/new')).toBe('/_synapse/admin/v1/registration_tokens/[redacted]');
    expect(auditPath('POST', '/_synapse/admin/v1/registration_tokens')).toBe('/_synapse/admin/v1/registration_tokens');
  });

  it('leaves every other path unchanged', () => {
    fc.assert(
      fc.property(METHODS, fc.array(rawSegment, { maxLength: 6 }), (method, segments) => {
        const path = `/_synapse/admin/v1/${segments.join('/')}`;
        fc.pre(!/registration(?:_|%5f)tokens/i.test(path));
        expect(auditPath(method, path)).toBe(path);
      }),
    );
  });
});
