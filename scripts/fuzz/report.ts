// Reads schemathesis's NDJSON events into one verdict per operation × check, and the failures grouped by cause.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { curlFor, type RecordedRequest } from './curl.ts';

interface RecordedCheck {
  name: string;
  status: string;
  failure_info?: { failure?: { code?: string; title?: string; message?: string } };
}

interface RecordedResponse {
  status_code: number;
  content?: { $base64?: string };
}

type Interaction = { request: RecordedRequest; response?: RecordedResponse };

/** The part of a ScenarioFinished event this report reads (schemathesis 4.32's `recorder`). */
interface Scenario {
  phase: string;
  recorder: {
    label: string;
    cases?: Record<string, { value: { method: string; path: string } }>;
    checks?: Record<string, RecordedCheck[]>;
    interactions?: Record<string, Interaction>;
  };
}

/** One cause of failure: an operation, a check, and what the facade answered; with a request that reproduces it. */
export interface FailureGroup {
  operation: string;
  check: string;
  code: string;
  title: string;
  message: string;
  status: number | null;
  errcode: string | null;
  /** The first answer's body, cut to 500 characters. */
  body: string;
  /** How many cases failed this way. */
  cases: number;
  curl: string;
}

export interface CheckTally {
  runs: number;
  failures: number;
}

export interface EventTally {
  /** operation → check → how often it ran and failed. */
  checks: Map<string, Map<string, CheckTally>>;
  failures: FailureGroup[];
  /** Error events (the engine could not run something), as text. */
  errors: string[];
}

const STATEFUL_LABEL = 'Stateful tests';

function decodeBody(response: RecordedResponse | undefined): { body: string; errcode: string | null } {
  const base64 = response?.content?.$base64;
  const body = base64 === undefined ? '' : Buffer.from(base64, 'base64').toString('utf8');
  try {
    const parsed = JSON.parse(body) as { errcode?: unknown };
    return { body: body.slice(0, 500), errcode: typeof parsed.errcode === 'string' ? parsed.errcode : null };
  } catch {
    return { body: body.slice(0, 500), errcode: null };
  }
}

/** Adds one failed check to its group (operation, check, status, errcode); the first case found is the example. */
function groupFailure(groups: Map<string, FailureGroup>, operation: string, result: RecordedCheck, interaction: Interaction | undefined): void {
  const status = interaction?.response?.status_code ?? null;
  const { body, errcode } = decodeBody(interaction?.response);
  const key = [operation, result.name, status, errcode].join('|');
  const existing = groups.get(key);
  if (existing !== undefined) {
    existing.cases += 1;
    return;
  }
  const failure = result.failure_info?.failure ?? {};
  groups.set(key, {
    operation, check: result.name, code: failure.code ?? '', title: failure.title ?? result.name,
    message: failure.message ?? '', status, errcode, body, cases: 1,
    curl: interaction === undefined ? '(no request recorded)' : curlFor(interaction.request),
  });
}

function tallyScenario(scenario: Scenario, tally: EventTally, groups: Map<string, FailureGroup>): void {
  const { label, cases = {}, checks = {}, interactions = {} } = scenario.recorder;
  for (const [caseId, results] of Object.entries(checks)) {
    const value = cases[caseId]?.value;
    // A stateful scenario chains operations; each step's checks belong to the operation that step called.
    const operation = label === STATEFUL_LABEL && value !== undefined ? `${value.method} ${value.path}` : label;
    const perCheck = tally.checks.get(operation) ?? new Map<string, CheckTally>();
    tally.checks.set(operation, perCheck);
    for (const result of results) {
      const counts = perCheck.get(result.name) ?? { runs: 0, failures: 0 };
      perCheck.set(result.name, counts);
      counts.runs += 1;
      if (result.status !== 'failure') continue;
      counts.failures += 1;
      groupFailure(groups, operation, result, interactions[caseId]);
    }
  }
}

/** Streams the NDJSON event file (tens of MB on a full run) and tallies every recorded check. */
export async function readEvents(path: string): Promise<EventTally> {
  const tally: EventTally = { checks: new Map(), failures: [], errors: [] };
  const groups = new Map<string, FailureGroup>();
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.trim() === '') continue;
    const event = JSON.parse(line) as Record<string, unknown>;
    const [kind] = Object.keys(event);
    if (kind === 'ScenarioFinished') tallyScenario(event[kind] as Scenario, tally, groups);
    else if (kind !== undefined && kind.includes('Error')) tally.errors.push(`${kind}: ${JSON.stringify(event[kind]).slice(0, 2000)}`);
  }
  tally.failures = [...groups.values()].sort((a, b) => a.operation.localeCompare(b.operation) || a.check.localeCompare(b.check));
  return tally;
}
