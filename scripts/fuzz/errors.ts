// The one error the fuzz harness throws for anything that keeps the run from starting; its message is for a human.

/** Schemathesis cannot be installed, Synapse or the facade cannot start, or schemathesis left no report. */
export class FuzzSetupError extends Error {
  override name = 'FuzzSetupError';
}
