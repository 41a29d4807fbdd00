import type { EngineEvent, JobEndEvent } from '../../electron/contract/types';

/** The first job-end event among `events` (a list the runner's emitter appends to), once it arrives. */
export function jobEnded(events: EngineEvent[]): Promise<JobEndEvent> {
  return new Promise((resolve) => {
    const check = (): void => {
      const e = events.find((x): x is JobEndEvent => x.type === 'job-end');
      if (e) resolve(e);
      else setImmediate(check);
    };
    check();
  });
}

/** The job-end event of job `jobId` among `events`, once it arrives. */
export function jobEndOf(events: EngineEvent[], jobId: string): Promise<JobEndEvent> {
  return new Promise((resolve) => {
    const check = (): void => {
      const e = events.find((x): x is JobEndEvent => x.type === 'job-end' && x.jobId === jobId);
      if (e) resolve(e);
      else setImmediate(check);
    };
    check();
  });
}
