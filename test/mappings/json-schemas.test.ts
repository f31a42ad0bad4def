import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderJsonSchemas } from '../../mappings/lib/json-schemas.ts';

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../mappings/schema');

describe('published JSON Schemas', () => {
  it.each(Object.entries(renderJsonSchemas()))('%s is up to date (run npx tsx scripts/gen-mapping-schemas.ts)', (file, text) => {
    expect(readFileSync(path.join(dir, file), 'utf8')).toBe(text);
  });
});
