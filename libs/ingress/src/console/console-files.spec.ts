import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConsoleFiles } from './console-files';

describe(ConsoleFiles.name, () => {
  let server: Server;
  let url = '';
  let passedOn: string[];

  async function serve(dir: string | undefined): Promise<void> {
    const sut = new ConsoleFiles(dir);
    passedOn = [];
    server = createServer((req, res) => {
      if (sut.handle(req, res)) return;
      passedOn.push(req.url ?? '');
      res.end('next');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  afterEach(() => new Promise<void>((r) => server.close(() => r())));

  function built(): string {
    const dir = mkdtempSync(join(tmpdir(), 'sy-console-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><script type="module" src="/console/assets/app-1a2b.js"></script>');
    writeFileSync(join(dir, 'assets/app-1a2b.js'), 'console.log(1)');
    writeFileSync(join(dir, 'assets/app-1a2b.css'), 'body{}');
    writeFileSync(join(dir, 'favicon.svg'), '<svg/>');
    return dir;
  }

  it('serves index.html for /console, /console/ and client routes, never cached', async () => {
    await serve(built());
    for (const path of ['/console', '/console/', '/console/tenants/acme', '/console/usage?from=2026-01-01']) {
      const res = await fetch(url + path);
      expect([path, res.status, res.headers.get('content-type'), res.headers.get('cache-control')]).toEqual([path, 200, 'text/html; charset=utf-8', 'no-store']);
      expect(await res.text()).toContain('app-1a2b.js');
    }
  });

  it('serves assets with their content type, cached for a year, and files beside index.html uncached', async () => {
    await serve(built());
    const js = await fetch(`${url}/console/assets/app-1a2b.js`);
    expect([js.status, js.headers.get('content-type'), js.headers.get('cache-control')]).toEqual([200, 'text/javascript; charset=utf-8', 'public, max-age=31536000, immutable']);
    const css = await fetch(`${url}/console/assets/app-1a2b.css`);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    const svg = await fetch(`${url}/console/favicon.svg`);
    expect([svg.headers.get('content-type'), svg.headers.get('cache-control')]).toEqual(['image/svg+xml', 'no-store']);
    expect(js.headers.get('x-content-type-options')).toBe('nosniff');
    expect(js.headers.get('content-security-policy')).toContain("connect-src 'self'");
  });

  it('answers 404 for a missing asset instead of the app, and for paths that leave the folder', async () => {
    await serve(built());
    for (const path of ['/console/assets/gone.js', '/console/..%2f..%2fpackage.json', '/console/..%2f..%2f..%2fetc%2fpasswd', '/console/%E0%A4%A']) {
      const res = await fetch(url + path);
      expect([path, res.status, res.headers.get('content-type')]).toEqual([path, 404, 'text/plain; charset=utf-8']);
    }
  });

  it('answers HEAD without a body and refuses other methods with 405', async () => {
    await serve(built());
    const head = await fetch(`${url}/console/`, { method: 'HEAD' });
    expect([head.status, head.headers.get('content-type'), await head.text()]).toEqual([200, 'text/html; charset=utf-8', '']);
    const post = await fetch(`${url}/console/`, { method: 'POST', body: 'x' });
    expect([post.status, post.headers.get('allow')]).toEqual([405, 'GET, HEAD']);
  });

  it('leaves every other path to the next handler, /consoles included', async () => {
    await serve(built());
    for (const path of ['/v1/models', '/consoles', '/admin/v1/tenants']) expect(await (await fetch(url + path)).text()).toBe('next');
    expect(passedOn).toEqual(['/v1/models', '/consoles', '/admin/v1/tenants']);
  });

  it('says the console is not installed when the build has none', async () => {
    await serve(undefined);
    const res = await fetch(`${url}/console/`);
    expect([res.status, await res.text()]).toEqual([404, 'The console is not installed in this build.\n']);
  });
});
