// SCAFFOLD (replaced by the bulk-jobs work): the job runner's shape as the rest of the facade uses it.
export class JobRunner {
  /** Jobs this facade is running now. */
  get running(): number {
    return 0;
  }
}
