// A local OTLP/HTTP receiver for the traced standalone target (`--traced`): it takes every
// export (any protocol over HTTP: protobuf by default) and answers 200 with an empty
// ExportTraceServiceResponse, counting what arrived, so the gateway pays the whole cost of
// producing and exporting its spans and nothing on the way pushes back.
import { createServer } from 'node:http';

export async function startOtlpSink() {
  const stats = { exports: 0, bytes: 0 };
  const server = createServer((req, res) => {
    req.on('data', (c) => (stats.bytes += c.length));
    req.on('end', () => {
      stats.exports++;
      res.writeHead(200, { 'content-type': req.headers['content-type'] ?? 'application/x-protobuf' }).end();
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    stats,
    close: () => new Promise((r) => server.close(r)),
  };
}
