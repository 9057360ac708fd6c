// Configuration from the environment: defaults, coercion, and one clear line per bad value.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';

describe('loadConfig', () => {
  it('has documented defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ synapseUrl: 'http://127.0.0.1:8008', host: '127.0.0.1', port: 8009, verifyAdmins: true, maxBodyBytes: 65_536, trustedProxies: [] });
  });

  it('reads and coerces variables, empty ones count as unset', () => {
    const config = loadConfig({ PORT: '9000', VERIFY_ADMINS: 'false', TRUSTED_PROXIES: '10.0.0.1, ::1', LOG_LEVEL: '' });
    expect(config).toMatchObject({ port: 9000, verifyAdmins: false, trustedProxies: ['10.0.0.1', '::1'], logLevel: 'info' });
  });

  it('reports every bad value on its own line, naming the variable', () => {
    let message = '';
    try {
      loadConfig({ PORT: 'eighty', SYNAPSE_URL: 'ftp://x', LOG_LEVEL: 'loud', VERIFY_ADMINS: 'yes' });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      message = (error as Error).message;
    }
    const lines = message.split('\n');
    expect(lines).toHaveLength(4);
    expect(lines.map((line) => line.split(':')[0])).toEqual(
      expect.arrayContaining(['invalid PORT', 'invalid SYNAPSE_URL', 'invalid LOG_LEVEL', 'invalid VERIFY_ADMINS']),
    );
  });
});
