// Which Synapse a run uses ($SYNAPSE_VERSION, $SYNAPSE_DATABASE), where it lives, and how its venv is installed.
import { describe, expect, it } from 'vitest';
import { installedMarker, pipInstallArgs } from '../../scripts/synapse/internal/pinned-venv.ts';
import { runPaths, selectSynapseRun, SYNAPSE_VERSION, SynapseSelectionError } from '../../scripts/synapse/paths.ts';

describe('selectSynapseRun', () => {
  it('defaults to the pinned release on SQLite', () => {
    expect(selectSynapseRun({})).toStrictEqual({ version: SYNAPSE_VERSION, database: 'sqlite' });
    expect(selectSynapseRun({ SYNAPSE_VERSION: ' ', SYNAPSE_DATABASE: '' })).toStrictEqual({ version: SYNAPSE_VERSION, database: 'sqlite' });
  });

  it('takes an exact release and either database', () => {
    expect(selectSynapseRun({ SYNAPSE_VERSION: '1.92.3', SYNAPSE_DATABASE: 'postgres' })).toStrictEqual({ version: '1.92.3', database: 'postgres' });
  });

  it('refuses what is no release: the version becomes a path and a pip requirement', () => {
    for (const version of ['1.92', 'latest', '1.92.3rc1', '../1.2.3', '1.2.3 --index-url x', '1.2.3;rm', '>=1.92']) {
      expect(() => selectSynapseRun({ SYNAPSE_VERSION: version }), version).toThrow(SynapseSelectionError);
    }
  });

  it('refuses an unknown database', () => {
    expect(() => selectSynapseRun({ SYNAPSE_DATABASE: 'mysql' })).toThrow(/sqlite, postgres/);
  });
});

describe('runPaths', () => {
  it('keeps the pinned release on SQLite where it always was', () => {
    const paths = runPaths({ version: SYNAPSE_VERSION, database: 'sqlite' }, '/x/.synapse');
    expect([paths.home, paths.venv, paths.dataDir, paths.state]).toStrictEqual(['/x/.synapse', '/x/.synapse/venv', '/x/.synapse/data', '/x/.synapse/state.json']);
  });

  it('gives an older release its own venv and home, and a PostgreSQL run its own home beside the release venv', () => {
    const old = runPaths({ version: '1.92.3', database: 'sqlite' }, '/x/.synapse');
    expect([old.home, old.venv, old.database]).toStrictEqual(['/x/.synapse/1.92.3', '/x/.synapse/1.92.3/venv', '/x/.synapse/1.92.3/data/homeserver.db']);
    const postgres = runPaths({ version: SYNAPSE_VERSION, database: 'postgres' }, '/x/.synapse');
    expect([postgres.home, postgres.venv, postgres.postgresRoot, postgres.comparisons])
      .toStrictEqual(['/x/.synapse/postgres', '/x/.synapse/venv', '/x/.synapse/postgres/server', '/x/.synapse/postgres/e2e-comparisons.log']);
  });

  it('finds the committed constraints of each matrix release, and none for a release without a file', () => {
    for (const version of ['1.92.3', '1.144.0', SYNAPSE_VERSION]) {
      expect(runPaths({ version, database: 'sqlite' }, '/x').constraints).toMatch(new RegExp(`scripts/synapse/constraints/${version.replaceAll('.', '\\.')}\\.txt$`));
    }
    expect(runPaths({ version: '1.0.0', database: 'sqlite' }, '/x').constraints).toBeUndefined();
  });
});

describe('the venv marker and pip arguments', () => {
  it('a lone package is marked by its version, as before', () => {
    expect(installedMarker('4.32.5', [], undefined)).toBe('4.32.5');
  });

  it('extras and the constraints text are in the marker, so editing the constraints installs again', () => {
    const first = installedMarker('1.92.3', ['psycopg2-binary'], 'twisted==22.10.0\n');
    expect(first).toMatch(/^1\.92\.3 psycopg2-binary constraints:[0-9a-f]{16}$/);
    expect(installedMarker('1.92.3', ['psycopg2-binary'], 'twisted==23.8.0\n')).not.toBe(first);
    expect(installedMarker('1.92.3', ['psycopg2-binary'], 'twisted==22.10.0\n')).toBe(first);
  });

  it('passes the constraints file with -c before the requirements', () => {
    expect(pipInstallArgs(['matrix-synapse==1.92.3', 'psycopg2-binary'], '/c/1.92.3.txt'))
      .toStrictEqual(['-m', 'pip', 'install', '--disable-pip-version-check', '--quiet', '-c', '/c/1.92.3.txt', 'matrix-synapse==1.92.3', 'psycopg2-binary']);
    expect(pipInstallArgs(['schemathesis==4.32.5'], undefined)).not.toContain('-c');
  });
});
