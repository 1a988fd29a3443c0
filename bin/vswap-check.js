#!/usr/bin/env node
// Entry point for `npx vswap-check`: runs the TypeScript CLI through tsx's loader.
import { register } from 'tsx/esm/api';
register();
await import('../cli/main.ts');
