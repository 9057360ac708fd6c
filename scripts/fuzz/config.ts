// Writes .fuzz/schemathesis.toml: auth, the dictionaries of real IDs, the DELETE targets and the hooks file.
import { writeFile } from 'node:fs/promises';
import { fuzzPaths } from './paths.ts';
import type { FuzzTargets } from './targets.ts';

/** The six checks the run asserts (issue 10, requirement 11); every other schemathesis check stays off. */
export const FUZZ_CHECKS = [
  'not_a_server_error',
  'status_code_conformance',
  'content_type_conformance',
  'response_schema_conformance',
  'negative_data_rejection',
  'positive_data_acceptance',
] as const;

/** Environment variable the config reads the admin token from, so it is in no file and no command line. */
export const TOKEN_ENV = 'FUZZ_ADMIN_TOKEN';

/** Operations that delete a room; their room parameter is drawn from the victims (and guarded by hooks.py). */
const DELETE_OPERATIONS = [
  { method: 'DELETE', path: '/_synapse/admin/v1/rooms/{room_id}', parameter: 'room_id' },
  { method: 'DELETE', path: '/_synapse/admin/v2/rooms/{room_id}', parameter: 'room_id' },
  { method: 'DELETE', path: '/_synapse/admin/v1/rooms/{room_identifier}/forward_extremities', parameter: 'room_identifier' },
] as const;

export interface FuzzRunSettings {
  seed: number;
  maxExamples: number;
  workers: number;
}

/** A TOML basic string: JSON's escapes are a subset of TOML's, so JSON.stringify writes a valid one. */
const str = (value: string) => JSON.stringify(value);
const list = (values: readonly string[]) => `[${values.map(str).join(', ')}]`;

/**
 * Real IDs are drawn half of the time in the fuzzing phase, so the reads answer 200 with real data (checked against
 * the response schemas) as well as 400/404 for generated values.
 */
export function schemathesisConfig(targets: FuzzTargets, { seed, maxExamples, workers }: FuzzRunSettings): string {
  const binding = (dictionary: string, probability: number) => `{ dictionary = ${str(dictionary)}, probability = ${probability} }`;
  const lines = [
    '# Written by scripts/fuzz/config.ts for each run; do not edit.',
    `seed = ${seed}`,
    `workers = ${workers}`,
    'request-timeout = 60',
    // Keep generating after a failure, so one run reports every cause and takes about as long failing as passing.
    'continue-on-failure = true',
    `hooks = ${str(fuzzPaths.hooks)}`,
    '',
    '[auth.openapi.accessToken]',
    `bearer = "\${${TOKEN_ENV}}"`,
    '',
    '[generation]',
    `max-examples = ${maxExamples}`,
    // No example database: a fixed seed then gives the same cases, whatever earlier runs found.
    'database = "none"',
    '',
    '[dictionaries]',
    `rooms = { values = ${list(targets.rooms)} }`,
    `room_identifiers = { values = ${list([...targets.rooms, ...targets.aliases])} }`,
    `events = { values = ${list(targets.events)} }`,
    `destinations = { values = ${list(targets.destinations)} }`,
    `delete_ids = { values = ${list(targets.deleteIds)} }`,
    `deleted_rooms = { values = ${list(targets.deletedRooms)} }`,
    `victims = { values = ${list(targets.victims)} }`,
    '',
    '[parameters]',
    `"path.room_id" = ${binding('rooms', 0.5)}`,
    `"path.room_identifier" = ${binding('room_identifiers', 0.5)}`,
    `"path.event_id" = ${binding('events', 0.5)}`,
    `"path.destination" = ${binding('destinations', 0.5)}`,
    `"path.delete_id" = ${binding('delete_ids', 0.5)}`,
  ];
  const operation = (method: string, path: string, parameter: string, dictionary: string) => [
    '', '[[operations]]', `include-method = ${str(method)}`, `include-path = ${str(path)}`,
    `parameters = { ${str(`path.${parameter}`)} = ${binding(dictionary, 0.5)} }`,
  ];
  for (const { method, path, parameter } of DELETE_OPERATIONS) lines.push(...operation(method, path, parameter, 'victims'));
  // Only rooms with a delete task have a delete status; every other room ID is a 404.
  lines.push(...operation('GET', '/_synapse/admin/v2/rooms/{room_id}/delete_status', 'room_id', 'deleted_rooms'));
  return `${lines.join('\n')}\n`;
}

/** Writes the config for this run to .fuzz/schemathesis.toml. */
export async function writeSchemathesisConfig(targets: FuzzTargets, settings: FuzzRunSettings): Promise<string> {
  await writeFile(fuzzPaths.config, schemathesisConfig(targets, settings));
  return fuzzPaths.config;
}
