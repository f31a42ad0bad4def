#!/usr/bin/env node
// Entry for the `lockstep` command: loads the TypeScript sources through tsx's ESM hook.
import { register } from 'tsx/esm/api';

register();
await import('../gateway/cli.ts');
