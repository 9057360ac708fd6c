// Generates homeserver.yaml once, then (re)writes overrides.yaml: SQLite or PostgreSQL, 127.0.0.1 only, test-friendly
// limits (§6.2), keys every release in the matrix reads (older ones ignore the keys they do not know).
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { BIND_HOST, SERVER_NAME, synapsePaths } from './paths.ts';
import { choosePort } from './internal/port.ts';
import { run, SynapseSetupError } from './internal/run.ts';

/** What the rest of the scripts need to know about the written configuration. */
export interface SynapseConfig {
  port: number;
  baseUrl: string;
  registrationSharedSecret: string;
}

const unlimited = { per_second: 10000, burst_count: 10000 };

/** Rate limits as in Synapse's tests/utils.py default_config, so seeding never hits 429. */
const relaxedRateLimits = {
  rc_message: unlimited,
  rc_registration: unlimited,
  rc_login: { address: unlimited, account: unlimited, failed_attempts: unlimited },
  rc_joins: { local: unlimited, remote: unlimited },
  rc_joins_per_room: unlimited,
  rc_invites: { per_room: unlimited, per_user: unlimited, per_issuer: unlimited },
  rc_room_creation: unlimited,
  rc_3pid_validation: unlimited,
  rc_presence: { per_user: unlimited },
};

/** Logging to stderr only; up.ts points stderr at .synapse/homeserver.log so start-up crashes land there too. */
const logConfig = {
  version: 1,
  formatters: { precise: { format: '%(asctime)s - %(name)s - %(lineno)d - %(levelname)s - %(message)s' } },
  handlers: { console: { class: 'logging.StreamHandler', formatter: 'precise' } },
  loggers: { 'synapse.storage.SQL': { level: 'INFO' } },
  root: { level: 'INFO', handlers: ['console'] },
  disable_existing_loggers: false,
};

/** How Synapse reaches its PostgreSQL database (loopback TCP, password auth). */
export interface PostgresConnection {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

/** Synapse's `database` section: the run's SQLite file, or the given PostgreSQL database (docs: usage/configuration). */
export function databaseSection(postgres: PostgresConnection | undefined): Record<string, unknown> {
  if (postgres === undefined) return { name: 'sqlite3', args: { database: synapsePaths.database } };
  return { name: 'psycopg2', allow_unsafe_locale: false, args: { ...postgres, cp_min: 1, cp_max: 5 } };
}

function overrides({ port, baseUrl, registrationSharedSecret }: SynapseConfig, postgres: PostgresConnection | undefined): Record<string, unknown> {
  return {
    server_name: SERVER_NAME,
    database: databaseSection(postgres),
    public_baseurl: `${baseUrl}/`,
    listeners: [
      { port, bind_addresses: [BIND_HOST], type: 'http', tls: false, x_forwarded: true,
        resources: [{ names: ['client', 'federation'], compress: false }] },
    ],
    log_config: synapsePaths.logConfig,
    registration_shared_secret: registrationSharedSecret,
    enable_registration: false,
    trusted_key_servers: [],
    suppress_key_server_warning: true,
    report_stats: false,
    room_list_publication_rules: [{ action: 'allow' }],
    alias_creation_rules: [{ action: 'allow' }],
    ...relaxedRateLimits,
    // A fresh database's background updates run back to back instead of one batch a second, so that up.ts can wait
    // for all of them before any test deletes a room (docs: usage/configuration, background_updates, since 1.56).
    background_updates: { sleep_enabled: false },
    // §6.2 config (b): outgoing federation stays on but fails fast, so §6.5 to-device probes record real
    // failure timings. No federation_domain_whitelist and the default ip_range_blacklist (127.0.0.0/8 inside).
    federation: {
      client_timeout: '5s',
      max_long_retries: 1,
      max_long_retry_delay: '1s',
      max_short_retries: 1,
      max_short_retry_delay: '1s',
    },
    // $SYNAPSE_FEDERATION_DOMAIN_WHITELIST (comma-separated destinations): Synapse refuses outgoing federation to any
    // other, before any DNS lookup. Unset for the e2e suite; the fuzz run sets it, since generated aliases and user
    // IDs name arbitrary servers and nothing may leave the machine.
    ...federationWhitelist(process.env.SYNAPSE_FEDERATION_DOMAIN_WHITELIST),
  };
}

function federationWhitelist(list: string | undefined): Record<string, unknown> {
  return list === undefined ? {} : { federation_domain_whitelist: list.split(',').map((entry) => entry.trim()).filter(Boolean) };
}

async function generateBaseConfig(python: string): Promise<void> {
  await mkdir(synapsePaths.dataDir, { recursive: true });
  const { exitCode, output } = await run(python, [
    '-m', 'synapse.app.homeserver', '--server-name', SERVER_NAME, '--config-path', synapsePaths.generatedConfig,
    '--generate-config', '--report-stats=no', '--data-directory', synapsePaths.dataDir,
  ], { missingHint: 'the virtualenv has no python' });
  if (exitCode !== 0) throw new SynapseSetupError(`synapse --generate-config failed:\n${output}`);
}

async function previousConfig(): Promise<Partial<SynapseConfig>> {
  if (!existsSync(synapsePaths.overridesConfig)) return {};
  // overrides.yaml is written as JSON (a subset of YAML), so it reads back without a YAML parser.
  const previous = JSON.parse(await readFile(synapsePaths.overridesConfig, 'utf8')) as {
    listeners?: { port?: number }[];
    registration_shared_secret?: string;
  };
  return { port: previous.listeners?.[0]?.port, registrationSharedSecret: previous.registration_shared_secret };
}

/** The shared secret recorded in overrides.yaml, for registering more users later (seeding). */
export async function readRegistrationSharedSecret(): Promise<string> {
  const { registrationSharedSecret } = await previousConfig();
  if (registrationSharedSecret === undefined) throw new SynapseSetupError(`no registration secret in ${synapsePaths.overridesConfig}`);
  return registrationSharedSecret;
}

/**
 * Writes the configuration for the next start and returns its port, base URL and shared secret.
 * Keeps the previous port when free and the shared secret forever (it only guards a loopback-only server).
 * `postgres` puts the database there (its password lands in overrides.yaml, inside the git-ignored .synapse/).
 */
export async function writeSynapseConfig(python: string, { postgres }: { postgres?: PostgresConnection } = {}): Promise<SynapseConfig> {
  if (!existsSync(synapsePaths.generatedConfig)) await generateBaseConfig(python);
  const previous = await previousConfig();
  const port = await choosePort(previous.port);
  const config: SynapseConfig = {
    port,
    baseUrl: `http://${BIND_HOST}:${port}`,
    registrationSharedSecret: previous.registrationSharedSecret ?? randomBytes(24).toString('hex'),
  };
  await writeFile(synapsePaths.logConfig, `${JSON.stringify(logConfig, null, 2)}\n`);
  await writeFile(synapsePaths.overridesConfig, `${JSON.stringify(overrides(config, postgres), null, 2)}\n`, { mode: 0o600 });
  return config;
}

/** Synapse's `-c` arguments: later files override top-level keys of earlier ones. */
export const configArgs = ['-c', synapsePaths.generatedConfig, '-c', synapsePaths.overridesConfig];
