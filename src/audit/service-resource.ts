import { readFileSync } from 'node:fs';

const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

/** LDV `resource` of records the gateway writes: which service, which version. */
export const GATEWAY_RESOURCE: Readonly<Record<string, string>> = Object.freeze({
  'service.name': 'ontschot-gateway',
  'service.version': manifest.version,
});
