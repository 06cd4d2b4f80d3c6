// `npm start` is what systemd units, containers and process managers run: when
// they stop it with SIGTERM (or a terminal with SIGINT), the server, the
// emulator and everything else it started must stop too, not live on as orphans.
import { expect, test } from "@playwright/test";
import { startOwnServer } from "./fixtures/own-server";

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  test(`npm start stops with everything it started on ${signal} to npm itself`, async () => {
    test.setTimeout(180_000);
    const server = await startOwnServer();
    try {
      expect(server.processes().length).toBeGreaterThanOrEqual(3); // start.mjs, the emulator, the web server
      server.npm.kill(signal);
      await expect.poll(() => server.processes(), { timeout: 20_000 }).toEqual([]);
      await expect(fetch(`${server.url}/api/health`)).rejects.toThrow();
    } finally {
      server.stop();
    }
  });
}
