// MOCK_ROOM_COUNT: the size of the mock's data set for `npm run demo` and `node src/mock/main.ts`.

/**
 * The room count MOCK_ROOM_COUNT asks for (digits, `_` allowed: `100_000`), or undefined for the default data set
 * (164 rooms). Throws a RangeError naming the variable for anything else, so a typo never starts a small demo silently.
 */
export function roomCountFromEnv(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const text = env.MOCK_ROOM_COUNT?.trim();
  if (text === undefined || text === '') return undefined;
  const count = /^\d+(?:_\d+)*$/.test(text) ? Number(text.replaceAll('_', '')) : Number.NaN;
  if (!Number.isSafeInteger(count)) throw new RangeError(`MOCK_ROOM_COUNT must be a whole number of rooms, not ${JSON.stringify(text)}`);
  return count;
}
