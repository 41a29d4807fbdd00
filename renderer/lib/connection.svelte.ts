/** The state of the link to the engine, for the banner: a dropped bridge reconnects by itself. */
export const connection = $state<{ status: 'connecting' | 'open' | 'down'; message: string; reconnects: number }>({ status: 'connecting', message: '', reconnects: 0 });
