/**
 * Serves the built console (`console/renderer/dist`) at `/console` with a strict Content-Security-Policy (the
 * same policy is in the page's meta tag), and the SPA's index for any other path under it. When the console
 * has not been built the gateway still runs and says how to build it.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { Router, type Response } from 'express';

export const CONSOLE_CSP = "default-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

export interface ConsoleRouterDeps {
  /** Absolute path of the Vite build output. */
  readonly distDir: string;
}

function secure(res: Response): void {
  res.setHeader('content-security-policy', CONSOLE_CSP);
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('referrer-policy', 'no-referrer');
  res.setHeader('x-frame-options', 'DENY');
}

export function createConsoleRouter(deps: ConsoleRouterDeps): Router {
  const router = Router();
  const index = path.join(deps.distDir, 'index.html');
  router.use((req, res, next) => {
    secure(res);
    if (req.path === '/' && !req.originalUrl.split('?', 1)[0]!.endsWith('/')) {
      res.redirect(301, `${req.baseUrl}/`);
      return;
    }
    next();
  });
  router.use(express.static(deps.distDir, { index: false, fallthrough: true, setHeaders: (res) => secure(res as unknown as Response) }));
  router.get(['/', '/{*splat}'], (_req, res) => {
    if (!existsSync(index)) {
      res.status(503).type('text/plain').send('The console has not been built: run `npm run console:build`.\n');
      return;
    }
    res.setHeader('cache-control', 'no-cache');
    res.sendFile(index);
  });
  return router;
}
