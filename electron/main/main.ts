/**
 * The Electron main process: one window on app://needledrop (the built renderer), the media://
 * protocol, the native menu, and the Engine in two utilityProcesses (matching and everything
 * else; training) behind one EngineApi served to the window over IPC. Security settings live in
 * security.ts; this file only applies them.
 */
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, screen, session, shell, utilityProcess, type WebContents } from 'electron';
import { join } from 'node:path';
import type { OpenDialogOptions } from '../contract/bridge';
import type { ClientMessage, ServerMessage } from '../contract/messages';
import { ENGINE_ENV } from './engine-env';
import { EngineHost, type EngineChild } from './engine-host';
import { routeEngines } from './engine-router';
import { registerIpc, type IpcMainLike } from './ipc';
import { menuTemplate } from './menu';
import { rememberOpenedClips } from './opened-clips';
import { packagedTools } from './packaged-tools';
import { appHandler, mediaHandler } from './protocols';
import { allowPermission, APP_ENTRY, APP_SCHEME, lockDown, MEDIA_SCHEME, windowPreferences } from './security';
import { loadWindowState, MIN_HEIGHT, MIN_WIDTH, placeOnScreen, saveWindowState } from './window-state';

const HERE = import.meta.dirname;
const BACKGROUND = '#121417';
const CLIP_FILTERS = [
  { name: 'Video', extensions: ['mp4', 'm4v', 'mov', 'webm', 'mkv', 'avi'] },
  { name: 'All files', extensions: ['*'] },
];

const log = (message: string): void => {
  process.stderr.write(`[needledrop] ${message}\n`);
};

// Before ready: the schemes' privileges, and the sandbox for every renderer.
protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true } },
  { scheme: MEDIA_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true, corsEnabled: true } },
]);
app.enableSandbox();

let win: BrowserWindow | null = null;

if (!app.requestSingleInstanceLock()) {
  // A second launch: the first instance gets 'second-instance' and comes to the front.
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!win) return;
    if (win.isMinimized()) win.restore();
    win.show();
    win.focus();
  });
  app.on('web-contents-created', (_e, contents) => lockDown(contents));
  void app.whenReady().then(start);
}

function engineEnv(): Record<string, string> {
  const resources = app.isPackaged ? process.resourcesPath : app.getAppPath();
  const tools = app.isPackaged ? packagedTools() : {};
  return {
    [ENGINE_ENV.dataDir]: process.env.NEEDLEDROP_HOME || app.getPath('userData'),
    [ENGINE_ENV.shippedModels]: join(resources, 'models'),
    [ENGINE_ENV.appVersion]: app.getVersion(),
    ...(tools.ffmpeg ? { [ENGINE_ENV.ffmpeg]: tools.ffmpeg } : {}),
    ...(tools.ffprobe ? { [ENGINE_ENV.ffprobe]: tools.ffprobe } : {}),
  };
}

/** `restarts`: processes of this name started before; the job ids of each are its own (`job-r2-1`), so the window never takes a new job for an ended one. */
function spawnEngine(name: string, restarts: number): EngineChild {
  const jobPrefix = (name === 'engine' ? 'job' : 'training-job') + (restarts > 0 ? `-r${restarts}` : '');
  const child = utilityProcess.fork(join(HERE, 'engine-process.js'), [], {
    serviceName: `Needledrop ${name}`,
    env: { ...process.env, ...engineEnv(), [ENGINE_ENV.watch]: name === 'engine' ? '1' : '0', [ENGINE_ENV.jobPrefix]: jobPrefix } as Record<string, string>,
    stdio: ['ignore', 'inherit', 'pipe'],
  });
  // The engine prints nothing itself; what reaches stderr is a crash or a diagnostic.
  let lastError: string | undefined;
  child.stderr?.on('data', (d: Buffer) => {
    const text = d.toString('utf8').trimEnd();
    log(`${name}: ${text}`);
    lastError = text.split('\n').filter((l) => l.trim() && !/^\s+at /.test(l)).pop() ?? lastError;
  });
  return {
    port: {
      send: (m: ClientMessage) => child.postMessage(m),
      onMessage(handler: (m: ServerMessage) => void) {
        child.on('message', handler);
        return () => child.off('message', handler);
      },
    },
    onExit: (handler) => child.once('exit', (code) => handler(code, lastError)),
    kill: () => child.kill(),
  };
}

async function openDialog(options: OpenDialogOptions, owner: BrowserWindow | null): Promise<string | null> {
  const common = { ...(options.title ? { title: options.title } : {}), ...(options.defaultPath ? { defaultPath: options.defaultPath } : {}) };
  if (options.kind === 'save') {
    const r = owner ? await dialog.showSaveDialog(owner, { ...common, filters: options.filters ?? [] }) : await dialog.showSaveDialog({ ...common, filters: options.filters ?? [] });
    return r.canceled || !r.filePath ? null : r.filePath;
  }
  const o = {
    ...common,
    properties: options.kind === 'folder' ? (['openDirectory'] as const) : (['openFile'] as const),
    filters: options.kind === 'clip' ? (options.filters ?? CLIP_FILTERS) : [],
  };
  const r = owner ? await dialog.showOpenDialog(owner, { ...o, properties: [...o.properties] }) : await dialog.showOpenDialog({ ...o, properties: [...o.properties] });
  return r.canceled ? null : (r.filePaths[0] ?? null);
}

async function start(): Promise<void> {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_wc, permission, callback) => callback(allowPermission(permission)));
  ses.setPermissionCheckHandler((_wc, permission) => allowPermission(permission));
  ses.setDevicePermissionHandler(() => false);

  const engine = new EngineHost({ name: 'engine', spawn: (restarts) => spawnEngine('engine', restarts), log });
  const training = new EngineHost({ name: 'training engine', spawn: (restarts) => spawnEngine('training engine', restarts), log });
  const clips = rememberOpenedClips(routeEngines(engine, training));
  const api = clips.api;
  app.on('before-quit', () => {
    engine.stop();
    training.stop();
  });

  protocol.handle(APP_SCHEME, appHandler(join(app.getAppPath(), 'renderer', 'dist')));
  protocol.handle(
    MEDIA_SCHEME,
    mediaHandler(async (kind, id) => {
      if (kind === 'clip' && typeof id === 'string' && clips.path(id)) return clips.path(id) ?? null;
      try {
        return (await engine.call('media.resolve', { kind, id })).path;
      } catch {
        return null;
      }
    }),
  );

  const ipc = registerIpc(
    ipcMain as unknown as IpcMainLike,
    api,
    {
      openDialog: (options, sender) => openDialog(options, BrowserWindow.fromWebContents(sender as WebContents)),
      showInFolder: async (path) => shell.showItemInFolder(path),
    },
    log,
  );

  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      menuTemplate(
        process.platform,
        {
          press: (key) => {
            const contents = BrowserWindow.getFocusedWindow()?.webContents;
            contents?.sendInputEvent({ type: 'keyDown', keyCode: key.keyCode, modifiers: key.modifiers });
            contents?.sendInputEvent({ type: 'keyUp', keyCode: key.keyCode, modifiers: key.modifiers });
          },
          addFolder: () => {
            void openDialog({ kind: 'folder', title: 'Add a music folder' }, win).then(async (path) => {
              if (path) await api.call('library.addFolder', { path }).catch((err: unknown) => dialog.showErrorBox('Could not add the folder', String((err as Error).message ?? err)));
            });
          },
        },
        !app.isPackaged,
      ),
    ),
  );

  createWindow(ipc.attach);
  app.on('activate', () => {
    if (!win) createWindow(ipc.attach);
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
}

function createWindow(attach: (contents: WebContents) => void): void {
  const stateFile = join(app.getPath('userData'), 'window-state.json');
  const state = placeOnScreen(
    loadWindowState(stateFile),
    screen.getAllDisplays().map((d) => d.workArea),
  );
  const w = new BrowserWindow({
    ...(state.x !== undefined && state.y !== undefined ? { x: state.x, y: state.y } : { center: true }),
    width: state.width,
    height: state.height,
    minWidth: MIN_WIDTH,
    minHeight: MIN_HEIGHT,
    show: false,
    backgroundColor: BACKGROUND,
    title: 'Needledrop',
    webPreferences: windowPreferences(join(HERE, 'preload.cjs')),
  });
  win = w;
  if (state.maximized) w.maximize();
  w.once('ready-to-show', () => w.show());
  w.on('close', () => {
    try {
      saveWindowState(stateFile, { ...w.getNormalBounds(), maximized: w.isMaximized() });
    } catch (err) {
      log(`could not save the window state to ${stateFile}: ${(err as Error).message}`);
    }
  });
  w.on('closed', () => {
    if (win === w) win = null;
  });
  attach(w.webContents);
  void w.loadURL(APP_ENTRY);
}
