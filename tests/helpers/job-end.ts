import type { EngineEvent, JobEndEvent } from '../../electron/contract/types';

/** The first job-end event among `events` (a list the runner's emitter appends to) that `wanted` accepts, once it arrives. */
function firstJobEnd(events: EngineEvent[], wanted: (e: JobEndEvent) => boolean): Promise<JobEndEvent> {
  return new Promise((resolve) => {
    const check = (): void => {
      const e = events.find((x): x is JobEndEvent => x.type === 'job-end' && wanted(x));
      if (e) resolve(e);
      else setImmediate(check);
    };
    check();
  });
}

/** The first job-end event among `events`, once it arrives. */
export const jobEnded = (events: EngineEvent[]): Promise<JobEndEvent> => firstJobEnd(events, () => true);

/** The job-end event of job `jobId` among `events`, once it arrives. */
export const jobEndOf = (events: EngineEvent[], jobId: string): Promise<JobEndEvent> => firstJobEnd(events, (e) => e.jobId === jobId);
