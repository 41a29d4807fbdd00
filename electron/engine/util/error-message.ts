/** The message of anything thrown: an Error's own message, anything else as a string (a rejected non-Error, a string thrown). */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
