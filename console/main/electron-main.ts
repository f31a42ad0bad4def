/**
 * Electron entry (bundled to `console/dist/main.mjs` by `npm run console:build`): the only module importing
 * Electron values. Paths are relative to the bundle: the preload next to it, the renderer build beside.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BrowserWindow, app, dialog, ipcMain, session, shell } from 'electron';
import got from 'got';
import { startConsoleApp } from './console-app.ts';

const here = path.dirname(fileURLToPath(import.meta.url));

export const started = startConsoleApp({ app, BrowserWindow, ipcMain, session, dialog, shell }, {
  env: process.env,
  got,
  preloadPath: path.join(here, 'preload.cjs'),
  indexFile: path.join(here, '../renderer/dist/index.html'),
  log: (message) => console.warn(message),
});
