/**
 * The entry of an engine utilityProcess: one Engine, served over `process.parentPort` with the
 * contract's transport. Main passes where things are in the environment (a utilityProcess has
 * no `app`): the user data folder, the shipped models, explicit ffmpeg/ffprobe binaries.
 */
/// <reference types="electron" />
import type { ClientMessage, Port, ServerMessage } from '../contract/messages';
import { contextFromEnv, Engine, serveEngine } from '../engine/service/index';
import { ENGINE_ENV } from './engine-env';

const parent = process.parentPort;
if (!parent) throw new Error('engine-process.ts runs only as an Electron utilityProcess (process.parentPort is missing)');

const env = process.env;
const engine = new Engine(
  contextFromEnv(env, {
    ...(env[ENGINE_ENV.dataDir] ? { dataDir: env[ENGINE_ENV.dataDir] } : {}),
    ...(env[ENGINE_ENV.shippedModels] ? { shippedModelsDir: env[ENGINE_ENV.shippedModels] } : {}),
    ...(env[ENGINE_ENV.ffmpeg] ? { ffmpeg: env[ENGINE_ENV.ffmpeg] } : {}),
    ...(env[ENGINE_ENV.ffprobe] ? { ffprobe: env[ENGINE_ENV.ffprobe] } : {}),
    ...(env[ENGINE_ENV.appVersion] ? { appVersion: env[ENGINE_ENV.appVersion] } : {}),
    ...(env[ENGINE_ENV.watch] === '1' ? { watch: true } : {}),
    ...(env[ENGINE_ENV.jobPrefix] ? { jobPrefix: env[ENGINE_ENV.jobPrefix] } : {}),
    // Its requests come from the renderer: only the library, opened clips and the data folder.
    confined: true,
    // The engine prints nothing; diagnostics go to main over stderr, which it logs.
    log: (message) => process.stderr.write(`${message}\n`),
  }),
);

const port: Port<ClientMessage, ServerMessage> = {
  send: (m) => parent.postMessage(m),
  onMessage(handler) {
    const h = (e: Electron.MessageEvent): void => handler(e.data as ClientMessage);
    parent.on('message', h);
    return () => parent.off('message', h);
  },
};
serveEngine(engine, port);

const shutdown = (): void => {
  void engine.close().finally(() => process.exit(0));
};
process.once('SIGTERM', shutdown);
