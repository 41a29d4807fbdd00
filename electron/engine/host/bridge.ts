/**
 * The browser bridge: the built renderer and the Engine's contract over HTTP + WebSocket, on
 * loopback only, for Chromium under Playwright and for users without Electron. Every request
 * needs a Host naming this server (no DNS rebinding) and, when the browser sends one, our own
 * Origin. The page, the media and the engine's WebSocket also need the token in their URL: the
 * page carries it (its own address, then the WS and media URLs it builds). No cookie carries it:
 * cookies are not kept apart by port, so one would reach every other server on 127.0.0.1 the
 * browser visits (review R1.16). The renderer's scripts and styles, which hold nothing secret, are
 * served without it. Media is served by catalog id or opened-clip id, never by path, with Range,
 * typed by what ffprobe says it is and sandboxed (media-type.ts).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, realpathSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ClientMessage, Port, ServerMessage } from '../../contract/messages';
import { probe } from '../media/probe';
import type { Engine } from '../service/engine';
import { mediaHeaders, probedMediaType } from './media-type';
import { answerRange, contentType, rangeHeaders } from './range';
import { serveEngine } from './serve';

export interface BridgeOptions {
  /** 0: any free port. */
  port?: number;
  /** The built renderer (index.html and its assets). */
  staticDir: string;
  /** Fixed token (tests); default: 32 random bytes. */
  token?: string;
}

export interface Bridge {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

/** Largest WebSocket message accepted (the contract's own limit is lower; this stops floods early). */
const MAX_MESSAGE = 1024 * 1024;

/**
 * The Host header values that name this server. A browser drops the scheme's default port, so on
 * port 80 the Host is the bare name (review R2.9).
 */
export function allowedHosts(port: number): string[] {
  const names = ['127.0.0.1', 'localhost'];
  return port === 80 ? [...names, ...names.map((n) => `${n}:80`)] : names.map((n) => `${n}:${port}`);
}

/** The page's address: the form a browser shows and sends back as Host (no ":80"). */
export function pageUrl(port: number, token: string): string {
  return `http://${allowedHosts(port)[0]}/?token=${token}`;
}

function csp(port: number): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob:",
    `connect-src 'self' ${allowedHosts(port)
      .map((h) => `ws://${h}`)
      .join(' ')}`,
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

function sameToken(a: string | null | undefined, b: string): boolean {
  if (!a) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function realOrNull(p: string): string | null {
  try {
    return realpathSync(p);
  } catch {
    return null;
  }
}

/** Media types by what ffprobe says each file is, probed once per file version (size, mtime). */
class ProbedTypes {
  private readonly known = new Map<string, { version: string; type: Promise<string> }>();

  of(file: string): Promise<string> {
    let version: string;
    try {
      const st = statSync(file);
      version = `${st.size}:${st.mtimeMs}`;
    } catch {
      return Promise.resolve('application/octet-stream');
    }
    const hit = this.known.get(file);
    if (hit?.version === version) return hit.type;
    // Not ffprobe's media any more (replaced since it was opened): served as bytes.
    const type = probe(file).then(probedMediaType, () => 'application/octet-stream');
    this.known.delete(file);
    this.known.set(file, { version, type });
    // Oldest first in a Map: keep the last few hundred files a session plays.
    if (this.known.size > 512) this.known.delete(this.known.keys().next().value as string);
    return type;
  }
}

/** True when `file` (missing files count: they answer 404 later) resolves to a place under `root`. */
function inside(root: string, file: string): boolean {
  const real = realOrNull(file);
  return real === null || real === root || real.startsWith(root + sep);
}

export async function startBridge(engine: Engine, opts: BridgeOptions): Promise<Bridge> {
  const token = opts.token ?? randomBytes(32).toString('hex');
  const staticRoot = resolve(opts.staticDir);
  const realRoot = realOrNull(staticRoot) ?? staticRoot;
  let port = 0;
  const types = new ProbedTypes();

  /** Host and Origin checks shared by HTTP and the WebSocket upgrade, then the token where `needsToken`; null when allowed. */
  function refuse(req: IncomingMessage, url: URL, needsToken: boolean): { status: number; message: string } | null {
    const hosts = allowedHosts(port);
    if (!hosts.includes(req.headers.host ?? '')) return { status: 421, message: 'wrong host' };
    const origin = req.headers.origin;
    if (origin !== undefined && !hosts.some((h) => origin === `http://${h}`)) return { status: 403, message: 'foreign origin' };
    if (needsToken && !sameToken(url.searchParams.get('token'), token)) return { status: 401, message: 'token required' };
    return null;
  }

  /** Media, pages and anything that is not a plain asset of the built renderer need the token. */
  function needsToken(pathname: string): boolean {
    return pathname.startsWith('/media/') || pathname.endsWith('/') || !/\.(js|css|svg|png|ico|woff2?|ttf|map)$/i.test(pathname);
  }

  function sendFile(req: IncomingMessage, res: ServerResponse, file: string, extra: Record<string, string> = {}, type = contentType(file)): void {
    let size: number;
    try {
      const st = statSync(file);
      if (!st.isFile()) throw new Error('not a file');
      size = st.size;
    } catch {
      res.writeHead(404, SECURITY_HEADERS).end('not found');
      return;
    }
    const answer = answerRange(req.headers.range, size);
    res.writeHead(answer.status, { ...SECURITY_HEADERS, ...extra, ...rangeHeaders(answer, size, type) });
    if (answer.status === 416 || req.method === 'HEAD') {
      res.end();
      return;
    }
    const stream = createReadStream(file, { start: answer.start, end: answer.end });
    stream.on('error', () => res.destroy());
    res.on('close', () => stream.destroy());
    stream.pipe(res);
  }

  function media(req: IncomingMessage, res: ServerResponse, kind: string, id: string): void {
    let file: string | undefined;
    try {
      if (kind === 'track' && /^\d{1,12}$/.test(id)) file = engine.trackFile(Number(id));
      else if (kind === 'clip' && /^[0-9a-f-]{36}$/.test(id)) file = engine.openedClip(id)?.path;
    } catch {
      file = undefined;
    }
    if (!file) {
      res.writeHead(404, SECURITY_HEADERS).end('no such media');
      return;
    }
    // Never by its name: an opened "clip" may be an SVG, or a video named .html (review R5.4).
    const served = file;
    void types.of(served).then((type) => sendFile(req, res, served, mediaHeaders(served), type));
  }

  function staticFile(req: IncomingMessage, res: ServerResponse, pathname: string): void {
    let rel: string;
    try {
      rel = pathname === '/' ? 'index.html' : decodeURIComponent(pathname).replace(/^\/+/, '');
    } catch {
      // A malformed escape ("/%", "/%E0%A4%A") threw out of the handler: an uncaught error and no answer.
      res.writeHead(400, SECURITY_HEADERS).end('bad request');
      return;
    }
    const file = normalize(join(staticRoot, rel));
    // Checked on the resolved path too: a symlink inside the folder must not serve a file outside it.
    if ((file !== staticRoot && !file.startsWith(staticRoot + sep)) || !inside(realRoot, file)) {
      res.writeHead(404, SECURITY_HEADERS).end('not found');
      return;
    }
    const page = extname(file) === '.html';
    sendFile(req, res, file, page ? { 'Content-Security-Policy': csp(port) } : {});
  }

  const server: Server = createServer((req, res) => {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://127.0.0.1');
    } catch {
      res.writeHead(400, SECURITY_HEADERS).end('bad request');
      return;
    }
    const no = refuse(req, url, needsToken(url.pathname));
    if (no) {
      res.writeHead(no.status, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain' }).end(no.message);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...SECURITY_HEADERS, Allow: 'GET, HEAD' }).end();
      return;
    }
    const m = /^\/media\/(track|clip)\/([^/]+)$/.exec(url.pathname);
    if (m) media(req, res, m[1], m[2]);
    else staticFile(req, res, url.pathname);
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE });
  server.on('upgrade', (req, socket, head) => {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://127.0.0.1');
    } catch {
      socket.destroy();
      return;
    }
    const no = url.pathname === '/api' ? refuse(req, url, true) : { status: 404, message: 'not found' };
    if (no) {
      socket.end(`HTTP/1.1 ${no.status} ${no.message}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => attach(ws));
  });

  function attach(ws: WebSocket): void {
    const port: Port<unknown, ServerMessage> = {
      send: (m) => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(m));
      },
      onMessage(handler) {
        const h = (data: Buffer, isBinary: boolean): void => {
          let msg: unknown;
          try {
            msg = isBinary ? undefined : (JSON.parse(data.toString('utf8')) as unknown);
          } catch {
            msg = undefined;
          }
          handler(msg as ClientMessage);
        };
        ws.on('message', h);
        return () => ws.off('message', h);
      },
    };
    const stop = serveEngine(engine, port);
    ws.on('close', stop);
    ws.on('error', stop);
  }

  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(opts.port ?? 0, '127.0.0.1', () => ok());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: pageUrl(port, token),
    port,
    token,
    close: () =>
      new Promise<void>((ok) => {
        for (const c of wss.clients) c.terminate();
        wss.close();
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
