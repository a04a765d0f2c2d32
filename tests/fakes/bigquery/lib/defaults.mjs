// The fake's start state.
export const DEFAULT_PROJECT = 'bx-test';
export const DEFAULT_DATASET = 'bx_dataset';

/** Counters behind GET /_fake/stats. */
export function newStats() {
  return {
    requests: 0, loads: 0, loadJobsCreated: 0, failedLoads: 0, rowsLoaded: {}, queryJobs: 0, failedQueries: 0,
    duplicates: 0, faultsFired: 0,
  };
}
