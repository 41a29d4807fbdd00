/**
 * The state of the link to the engine, for the banner: a dropped bridge reconnects by itself,
 * unless the server that answers no longer takes this page's token ('refused': `needledrop serve`
 * was restarted with a new one, and only the address it printed gets in).
 */
export const connection = $state<{ status: 'connecting' | 'open' | 'down' | 'refused'; message: string; reconnects: number }>({ status: 'connecting', message: '', reconnects: 0 });
