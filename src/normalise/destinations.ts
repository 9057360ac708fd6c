// Destination objects: every documented field present, null where Synapse left it out.
import type { Destination, DestinationOut } from '../../schemas/federation.ts';

/** A destination with all five documented fields. */
export function normaliseDestination(item: Destination): DestinationOut {
  return {
    ...item,
    retry_last_ts: item.retry_last_ts ?? 0,
    retry_interval: item.retry_interval ?? 0,
    failure_ts: item.failure_ts ?? null,
    last_successful_stream_ordering: item.last_successful_stream_ordering ?? null,
  };
}
