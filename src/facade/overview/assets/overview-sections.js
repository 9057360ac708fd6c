// The overview page's four parts, each drawn from one admin API answer: the index summary as charts, failing
// destinations, running jobs and the latest audit rows. Each renderer answers the nodes of its section.
import { barChart, durationOf, element, note, progressBar, table, timeOf } from './overview-render.js';

/** Each part: where it goes, the /_facade/v1 path it reads (relative), and how it is drawn. */
export const SECTIONS = [
  { target: 'summary-charts', path: 'summary', render: summaryCharts },
  // The 20 destinations failing longest (oldest failure_ts first) from the index, so Synapse is not asked.
  { target: 'failing-body', path: 'federation/destinations?failing=true&order_by=failure_ts&limit=20', render: failingDestinations },
  { target: 'jobs-body', path: 'jobs?limit=100', render: runningJobs },
  { target: 'audit-body', path: 'audit?limit=20', render: auditRows },
];

/** Job states that are not over (schemas/jobs.ts JOB_STATES). */
const UNFINISHED_JOB_STATES = new Set(['running', 'waiting', 'cancelling']);

/** Rooms by kind, rooms by room version, destinations total and failing; then how old the index is. */
function summaryCharts(summary) {
  const { rooms, destinations, index } = summary;
  const roomBars = ['total', 'encrypted', 'public', 'spaces', 'empty'].map((name) => ({
    label: name === 'total' ? 'all rooms' : name,
    value: rooms[name],
    figure: `rooms.${name}`,
    kind: name === 'total' ? 'total' : undefined,
  }));
  // Most rooms first; versions as Synapse names them (`unknown` when it does not say).
  const versionBars = Object.entries(rooms.by_version)
    .sort(([versionA, countA], [versionB, countB]) => countB - countA || versionA.localeCompare(versionB, 'en', { numeric: true }))
    .map(([version, count]) => ({ label: version, value: count, figure: `rooms.by_version.${version}` }));
  const destinationBars = [
    { label: 'destinations', value: destinations.total, figure: 'destinations.total', kind: 'total' },
    { label: 'failing', value: destinations.failing, figure: 'destinations.failing', kind: 'failing' },
  ];
  const oldest =
    destinations.oldest_failure_ts === null
      ? note('No destination is failing.')
      : element('p', { class: 'note' }, 'Oldest failure: ', timeOf(destinations.oldest_failure_ts), ` (${durationOf(destinations.oldest_failure_age_s * 1000)} ago).`);
  return [
    barChart('Rooms', roomBars, { max: rooms.total }),
    barChart('Rooms by room version', versionBars),
    element('div', {}, barChart('Federation destinations', destinationBars, { max: destinations.total }), oldest),
    indexAge(index),
  ];
}

/** When each index was last swept completely: the figures are as old as that. */
function indexAge(index) {
  const part = (name, { last_complete_sweep: sweptAt, age_s: age }) =>
    sweptAt === null ? `${name}: not swept yet` : [`${name} swept `, timeOf(sweptAt), ` (${durationOf(age * 1000)} ago)`];
  return element('p', { class: 'note index-age' }, 'Index: ', ...[part('rooms', index.rooms), '; ', part('destinations', index.destinations)].flat(), '.');
}

function failingDestinations({ destinations, total }) {
  if (destinations.length === 0) return [note('No failing destinations.')];
  const shown = total > destinations.length ? `${total} failing; the ${destinations.length} failing longest:` : `${total} failing:`;
  return [
    note(shown),
    table(
      [
        { heading: 'Destination', cell: (row) => row.destination },
        { heading: 'Failing since', cell: (row) => timeOf(row.failure_ts) },
        { heading: 'Last retry', cell: (row) => timeOf(row.retry_last_ts || null) },
        { heading: 'Retry interval', cell: (row) => durationOf(row.retry_interval) },
      ],
      destinations,
      (row) => ({ 'data-destination': row.destination }),
    ),
  ];
}

function runningJobs({ jobs }) {
  const running = jobs.filter((job) => UNFINISHED_JOB_STATES.has(job.state));
  if (running.length === 0) return [note('No running jobs.')];
  const settled = (job) => job.counts.done + job.counts.failed + job.counts.skipped;
  return [
    table(
      [
        { heading: 'Job', cell: (job) => element('code', {}, job.job_id) },
        { heading: 'Action', cell: (job) => job.action },
        { heading: 'State', cell: (job) => (job.error ? `${job.state}: ${job.error}` : job.state) },
        { heading: 'Progress', cell: (job) => element('span', {}, progressBar(settled(job), job.room_count), ` ${settled(job)} / ${job.room_count}`) },
        { heading: 'Failed', cell: (job) => job.counts.failed },
        { heading: 'Admin', cell: (job) => job.admin },
        { heading: 'Started', cell: (job) => timeOf(job.created_at) },
      ],
      running,
      (job) => ({ 'data-job-id': job.job_id }),
    ),
  ];
}

function auditRows({ entries }) {
  if (entries.length === 0) return [note('No audit rows yet.')];
  return [
    table(
      [
        { heading: 'Time', cell: (entry) => timeOf(entry.at) },
        { heading: 'Admin', cell: (entry) => entry.admin ?? '—' },
        { heading: 'Action', cell: (entry) => entry.action },
        { heading: 'Room', cell: (entry) => entry.room_id ?? '' },
        { heading: 'Status', cell: (entry) => entry.status ?? '—' },
      ],
      entries,
      (entry) => ({ 'data-audit-id': entry.id }),
    ),
  ];
}
