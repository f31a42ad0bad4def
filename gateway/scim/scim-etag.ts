/** ETags from `meta.version` (`W/"<n>"`), RFC 7232 weak comparison for `If-Match` and `If-None-Match`. */
import { ScimError } from './scim-error.ts';

export const etagOf = (version: number): string => `W/"${version}"`;

function tags(header: string): string[] {
  return header.split(',').map((t) => t.trim().replace(/^W\//, '')).filter((t) => t !== '');
}

/** RFC 7232 weak comparison. undefined header: no precondition. */
export function checkIfMatch(header: string | undefined, version: number): void {
  if (header === undefined || header.trim() === '*') return;
  if (!tags(header).includes(`"${version}"`)) {
    throw new ScimError(412, undefined, `If-Match ${header} does not match the current version W/"${version}"`);
  }
}

export function ifNoneMatchHits(header: string | undefined, version: number): boolean {
  if (header === undefined) return false;
  return header.trim() === '*' || tags(header).includes(`"${version}"`);
}
