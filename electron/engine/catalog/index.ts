/** The catalog: one SQLite file holding the user's library, its analysis, playlists, feedback and jobs. */
export { openCatalog, type Catalog, type OpenOptions } from './db';
export { migrate, MIGRATIONS, type Migration } from './migrations';
export * from './types';
export * from './files';
export * from './tracks';
export * from './features';
export * from './segments';
export * from './playlists';
export * from './feedback';
