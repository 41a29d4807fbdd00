/**
 * One polite live region for the whole app (review R6.3): a job's start, its phase changes and its
 * end or result, said to a screen reader without moving focus. Screens call `announce`; App mounts
 * the region (components/Announcer.svelte) once.
 */
export const announcer = $state<{ text: string }>({ text: '' });

let timer: ReturnType<typeof setTimeout> | undefined;

/**
 * Say `text` in the live region. The region is emptied first and filled a moment later, so the same
 * words said twice ("Scan done …" after a second scan) are announced twice.
 */
export function announce(text: string): void {
  clearTimeout(timer);
  announcer.text = '';
  timer = setTimeout(() => (announcer.text = text), 50);
}
