/**
 * A stand-in for the parts of Electron's main-process API that electron/main/main.ts uses, for
 * running the built main.js under plain Node. It records what main asks for, then (once main has
 * loaded its window) exercises the handlers main installed and prints one JSON report on stdout.
 * The engine utilityProcess is a stub that answers media.resolve with FAKE_MEDIA_FILE.
 */
import { EventEmitter } from 'node:events';

const env = process.env;
const report = { privileged: null, sandbox: false, singleInstance: false, protocols: [], ipcOn: [], ipcHandle: [], menus: 0, forks: [], windows: [], loaded: [] };
const appListeners = new Map();
const protocolHandlers = new Map();
let permissionRequest = null;
let permissionCheck = null;
let devicePermission = null;
const external = [];

export const app = {
  isPackaged: false,
  requestSingleInstanceLock: () => {
    report.singleInstance = true;
    return true;
  },
  enableSandbox: () => {
    report.sandbox = true;
  },
  on: (event, listener) => appListeners.set(event, listener),
  whenReady: () => Promise.resolve(),
  quit: () => {},
  getAppPath: () => env.FAKE_APP_PATH,
  getPath: () => env.FAKE_USER_DATA,
  getVersion: () => '0.1.0-test',
};

export const protocol = {
  registerSchemesAsPrivileged: (schemes) => {
    report.privileged = schemes;
  },
  handle: (scheme, handler) => {
    report.protocols.push(scheme);
    protocolHandlers.set(scheme, handler);
  },
};

export const session = {
  defaultSession: {
    setPermissionRequestHandler: (h) => (permissionRequest = h),
    setPermissionCheckHandler: (h) => (permissionCheck = h),
    setDevicePermissionHandler: (h) => (devicePermission = h),
  },
};

export const screen = { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] };
export const ipcMain = { on: (channel) => report.ipcOn.push(channel), handle: (channel) => report.ipcHandle.push(channel) };
export const Menu = { buildFromTemplate: (template) => ({ template }), setApplicationMenu: () => (report.menus += 1) };
export const shell = { openExternal: async (url) => external.push(url), showItemInFolder: () => {} };
export const dialog = {};

class FakeUtilityChild extends EventEmitter {
  stderr = null;
  postMessage(m) {
    if (m.kind === 'call' && m.op === 'media.resolve') {
      setImmediate(() => this.emit('message', { kind: 'reply', id: m.id, ok: true, value: { path: env.FAKE_MEDIA_FILE } }));
    }
  }
  kill() {}
}

export const utilityProcess = {
  fork: (modulePath, _args, options) => {
    report.forks.push({ modulePath, serviceName: options.serviceName, home: options.env.NEEDLEDROP_HOME, models: options.env.NEEDLEDROP_SHIPPED_MODELS, version: options.env.NEEDLEDROP_APP_VERSION });
    return new FakeUtilityChild();
  },
};

function fakeContents() {
  const on = new Map();
  return {
    id: 1,
    handlers: on,
    windowOpen: null,
    send: () => {},
    isDestroyed: () => false,
    once: () => {},
    on: (event, h) => on.set(event, h),
    getURL: () => 'app://needledrop/index.html',
    setWindowOpenHandler(h) {
      this.windowOpen = h;
    },
  };
}

export class BrowserWindow {
  static fromWebContents = () => null;
  static getFocusedWindow = () => null;
  static last = null;
  calls = [];
  listeners = new Map();
  constructor(options) {
    report.windows.push(options);
    this.webContents = fakeContents();
    BrowserWindow.last = this;
  }
  maximize() {}
  once() {}
  on(event, h) {
    this.listeners.set(event, h);
  }
  isMinimized() {
    return true;
  }
  isMaximized() {
    return false;
  }
  getNormalBounds() {
    return { x: 10, y: 20, width: 1400, height: 900 };
  }
  restore() {
    this.calls.push('restore');
  }
  show() {
    this.calls.push('show');
  }
  focus() {
    this.calls.push('focus');
  }
  async loadURL(url) {
    report.loaded.push(url);
    setImmediate(() => void exercise().catch((err) => {
      process.stderr.write(`fake electron: ${err.stack}\n`);
      process.exit(2);
    }));
  }
}

const headers = (h = {}) => new Headers(h);

async function exercise() {
  report.permissions = {
    request: await Promise.all(['media', 'notifications', 'geolocation', 'clipboard-read'].map((p) => new Promise((cb) => permissionRequest(null, p, cb)))),
    check: ['media', 'notifications', 'clipboard-sanitized-write'].map((p) => permissionCheck(null, p, 'app://needledrop', {})),
    device: devicePermission({ deviceType: 'usb' }),
  };

  // What main does to every WebContents: navigation and new windows.
  const contents = fakeContents();
  appListeners.get('web-contents-created')({}, contents);
  const navigate = (url) => {
    let prevented = false;
    contents.handlers.get('will-navigate')({ preventDefault: () => (prevented = true) }, url);
    return prevented;
  };
  report.navigation = {
    'https://example.org/docs': navigate('https://example.org/docs'),
    'file:///etc/passwd': navigate('file:///etc/passwd'),
    'app://needledrop/other.html': navigate('app://needledrop/other.html'),
  };
  report.windowOpen = {
    'https://example.org/x': contents.windowOpen({ url: 'https://example.org/x' }).action,
    'javascript:alert(1)': contents.windowOpen({ url: 'javascript:alert(1)' }).action,
    'file:///etc/passwd': contents.windowOpen({ url: 'file:///etc/passwd' }).action,
  };
  let webviewPrevented = false;
  contents.handlers.get('will-attach-webview')({ preventDefault: () => (webviewPrevented = true) });
  report.webviewPrevented = webviewPrevented;
  report.external = external;

  const media = await protocolHandlers.get('media')({ url: 'media://track/1', method: 'GET', headers: headers({ Range: 'bytes=0-3' }) });
  report.media = { status: media.status, contentRange: media.headers.get('content-range'), body: Buffer.from(await media.arrayBuffer()).toString('latin1') };
  const page = await protocolHandlers.get('app')({ url: 'app://needledrop/index.html', method: 'GET', headers: headers() });
  report.page = { status: page.status, csp: page.headers.get('content-security-policy') };

  // A second launch brings the window back; closing it remembers its bounds.
  appListeners.get('second-instance')();
  report.secondInstance = BrowserWindow.last.calls;
  BrowserWindow.last.listeners.get('close')();

  process.stdout.write(JSON.stringify(report));
  process.exit(0);
}
