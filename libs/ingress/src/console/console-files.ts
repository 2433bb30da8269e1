import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';

/** Where the web console is served (docs/console.md). */
export const CONSOLE_PATH = '/console';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

// The console talks only to this origin's admin API and loads nothing from elsewhere: the policy
// makes that a property of the page, not a habit of the code (issue 19: it works offline).
const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

/**
 * The web console's static files (built by Vite into dist/console), served before Fastify the
 * way HotRoutes serves the data path. index.html is never cached, so a new build reaches every
 * browser at once; the hashed files under assets/ it names are cached for a year. A path with no
 * file and no extension is a client route and gets index.html; a missing asset is a plain 404,
 * never HTML a browser would try to run as script.
 */
export class ConsoleFiles {
  private readonly dir: string | undefined;

  /** `dir`: the built console (dist/console); undefined answers 404 saying it is not installed. */
  constructor(dir: string | undefined) {
    this.dir = dir === undefined ? undefined : resolve(dir);
  }

  /** Handles the request and returns true when it is the console's; false lets the next handler route it. */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    const url = req.url ?? '';
    const q = url.indexOf('?');
    const pathname = q < 0 ? url : url.slice(0, q);
    if (pathname !== CONSOLE_PATH && !pathname.startsWith(`${CONSOLE_PATH}/`)) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(res, 405, 'text/plain; charset=utf-8', 'no-store', 'The console is static: only GET and HEAD.\n', { allow: 'GET, HEAD' });
      return true;
    }
    void this.serve(pathname, req.method === 'HEAD', res).catch(() => {
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'no-store', 'The console file could not be read.\n');
      else res.destroy();
    });
    return true;
  }

  private async serve(pathname: string, head: boolean, res: ServerResponse): Promise<void> {
    if (!this.dir) return send(res, 404, 'text/plain; charset=utf-8', 'no-store', 'The console is not installed in this build.\n');
    const file = this.fileOf(pathname);
    if (file && (await isFile(file))) return this.sendFile(file, head, res);
    // A client route (/console/tenants/acme) gets the app; a missing asset (/console/assets/x.js) does not.
    if (file !== undefined && extname(pathname) === '') return this.sendFile(join(this.dir, 'index.html'), head, res);
    send(res, 404, 'text/plain; charset=utf-8', 'no-store', 'Not found.\n');
  }

  /** The file a path names inside the console's folder; undefined when it would leave it. */
  private fileOf(pathname: string): string | undefined {
    let rel: string;
    try {
      rel = decodeURIComponent(pathname.slice(CONSOLE_PATH.length));
    } catch {
      return undefined;
    }
    if (rel.includes('\0')) return undefined;
    const root = this.dir ?? '';
    const file = normalize(join(root, rel === '' || rel.endsWith('/') ? `${rel}index.html` : rel));
    return file === root || file.startsWith(root.endsWith(sep) ? root : root + sep) ? file : undefined;
  }

  private async sendFile(file: string, head: boolean, res: ServerResponse): Promise<void> {
    const body = await readFile(file);
    const type = CONTENT_TYPES[extname(file)] ?? 'application/octet-stream';
    const immutable = file.includes(`${sep}assets${sep}`);
    send(res, 200, type, immutable ? 'public, max-age=31536000, immutable' : 'no-store', head ? undefined : body, { 'content-length': String(body.length) });
  }
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

function send(res: ServerResponse, status: number, type: string, cache: string, body: string | Buffer | undefined, extra: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': cache, ...SECURITY_HEADERS, ...extra });
  res.end(body);
}
