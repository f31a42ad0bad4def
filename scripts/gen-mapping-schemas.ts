/** Writes mappings/schema/*.schema.json from the zod schemas: `npx tsx scripts/gen-mapping-schemas.ts`. */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderJsonSchemas } from '../mappings/lib/json-schemas.ts';

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../mappings/schema');
await mkdir(dir, { recursive: true });
for (const [file, text] of Object.entries(renderJsonSchemas())) {
  await writeFile(path.join(dir, file), text);
  console.log(`wrote mappings/schema/${file}`);
}
