/** Electron preload (sandboxed, bundled to one CommonJS file): exposes only the console API as `window.lockstep`. */
import { contextBridge, ipcRenderer } from 'electron';
import { createBridge } from './bridge.ts';

contextBridge.exposeInMainWorld('lockstep', createBridge(ipcRenderer));
