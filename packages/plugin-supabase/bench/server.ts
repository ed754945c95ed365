// The local Storage server in its own process, for bench/transfer.ts (so the client's CPU time is its own).
// Prints `{ url, serviceKey }` as one JSON line, then serves until SIGTERM.
import { startStorageServer } from '../test/storage-server.js';

const server = await startStorageServer();
process.stdout.write(`${JSON.stringify({ url: server.url, serviceKey: server.serviceKey })}\n`);
process.on('SIGTERM', () => {
  void server.close().then(() => process.exit(0));
});
