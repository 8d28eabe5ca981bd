/**
 * What the browser tests share: Debian's Chromium (or `RESONATE_CHROMIUM`), launched headless with the flags this
 * closed network needs, and the address of a server listening on a free loopback port.
 */
import { existsSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = process.env.RESONATE_CHROMIUM ?? '/usr/bin/chromium';
export const haveChromium = existsSync(CHROMIUM);
/** Appended to a suite's name: why it is skipped, when it is. */
export const skipNote = haveChromium ? '' : ` (skipped: ${CHROMIUM} not found; apt-get install chromium)`;

export function launchHeadless(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Listens on a free loopback port; returns the base URL. */
export async function listenLocal(app: FastifyInstance): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  return `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
}
