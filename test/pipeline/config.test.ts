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

  // Node runs a timer longer than 2^31 − 1 ms after 1 ms instead (TimeoutOverflowWarning): with INDEX_REFRESH_MS=3000000000
  // the next sweep of Synapse's room list started 1 ms after each one ended. The other waits are bounded alike: none
  // that long means anything, and a refusal at start is clearer than a timer that may overflow somewhere.
  it('refuses a time its timers cannot hold (above 2^31 − 1 ms) rather than run it every millisecond', () => {
    const timers = [
      'UPSTREAM_CONNECT_TIMEOUT_MS', 'UPSTREAM_HEADERS_TIMEOUT_MS', 'UPSTREAM_BODY_TIMEOUT_MS', 'UPSTREAM_LONG_TIMEOUT_MS',
      'UPSTREAM_QUEUE_TIMEOUT_MS', 'DELETE_FOLLOW_INTERVAL_MS', 'INDEX_REFRESH_MS', 'MEMORY_HANDBACK_QUIET_MS',
    ];
    for (const name of timers) {
      expect(() => loadConfig({ [name]: '2147483647' }), name).not.toThrow();
      expect(() => loadConfig({ [name]: '2147483648' }), name).toThrow(new RegExp(`^invalid ${name}: .*2147483647`));
    }
  });

  it('takes the memory hand-back settings: 0 turns it off, a growth under 1 MiB is refused', () => {
    expect(loadConfig({})).toMatchObject({ memoryHandbackQuietMs: 2_000, memoryHandbackGrowthMb: 32 });
    expect(loadConfig({ MEMORY_HANDBACK_QUIET_MS: '0', MEMORY_HANDBACK_GROWTH_MB: '8' })).toMatchObject({ memoryHandbackQuietMs: 0, memoryHandbackGrowthMb: 8 });
    expect(() => loadConfig({ MEMORY_HANDBACK_GROWTH_MB: '0' })).toThrow(/^invalid MEMORY_HANDBACK_GROWTH_MB/);
  });
});
