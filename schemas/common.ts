// Response building blocks shared by the Rooms and Federation schemas.
import { z } from 'zod';
import { isJsonInteger, type JsonInteger } from '../src/internal/exact-json.ts';

/** A boolean as Synapse sends it: a real boolean, SQLite's 0/1, or null (`bool(NULL)`). */
export const sqliteBoolean = z.union([z.boolean(), z.literal(0), z.literal(1), z.null()]);

/** A string field that older Synapse releases may leave out or send as null. */
export const optionalString = z.string().nullable().optional();

/**
 * An integer of any size, as Synapse (Python) sends it: a number, or raw JSON when JavaScript cannot hold it
 * exactly (see src/internal/exact-json.ts), so the facade writes it back unchanged. Unlike `z.number().int()`,
 * no ±(2^53−1) bounds: Synapse's integers have none, and neither has the OpenAPI document.
 */
export const jsonInteger = z.custom<JsonInteger>(isJsonInteger, { error: 'Expected an integer' }).meta({ type: 'integer' });

/** An integer field that may be missing or null. */
export const optionalInteger = jsonInteger.nullable().optional();

/** 0/1/null/boolean → boolean, as Synapse's Python `bool()` would. */
export const toBoolean = (value: boolean | 0 | 1 | null | undefined): boolean => value === true || value === 1;

/** Like toBoolean but keeps "unknown" (left out by an older Synapse) as null. */
export const toBooleanOrNull = (value: boolean | 0 | 1 | null | undefined): boolean | null =>
  value === undefined || value === null ? null : toBoolean(value);

/** A client-format event; only what the facade relies on is checked, everything else passes through. */
export const clientEvent = z.looseObject({ type: z.string() });

/** The Matrix error body every facade error has: the shape of `{"errcode","error"}`. */
export const matrixError = z.looseObject({ errcode: z.string(), error: z.string() });
