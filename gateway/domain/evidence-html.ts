import type { EvidencePack } from './evidence-pack.ts';
import { describeTag } from './framework-tags.ts';

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const CSS = `
body{font:13px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1f24;margin:24px;max-width:1400px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:16px;margin:28px 0 8px;border-bottom:2px solid #d0d7de;padding-bottom:4px}
.meta{color:#57606a;margin-bottom:16px}.summary{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:8px}
.summary div{border:1px solid #d0d7de;border-radius:6px;padding:8px}.summary b{display:block;font-size:18px}
table{border-collapse:collapse;width:100%;font-size:12px}th,td{border:1px solid #d0d7de;padding:4px 6px;text-align:left;vertical-align:top}
th{background:#f6f8fa}tr:nth-child(even) td{background:#fbfcfd}.empty{color:#57606a;font-style:italic}
.revoke{color:#a40e26;font-weight:600}.review{color:#9a6700;font-weight:600}ul{margin:0;padding-left:16px}
@media print{body{margin:0;font-size:10px}h2{break-after:avoid}tr{break-inside:avoid}table{font-size:9px}}
`;

function humanize(key: string): string {
  return key.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/^./, (c) => c.toUpperCase());
}

function cell(value: unknown): string {
  if (value === null || value === undefined || value === '') return '';
  if (Array.isArray(value)) return value.length === 0 ? '' : `<ul>${value.map((v) => `<li>${escapeHtml(v)}</li>`).join('')}</ul>`;
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return escapeHtml(value);
}

function table<T extends object>(title: string, rows: readonly T[], rowClass?: (r: T) => string | undefined): string {
  const head = `<h2>${escapeHtml(title)} (${rows.length})</h2>`;
  const first = rows[0];
  if (!first) return `${head}<p class="empty">None in this scope.</p>`;
  const cols = Object.keys(first);
  const th = cols.map((c) => `<th>${escapeHtml(humanize(c))}</th>`).join('');
  const trs = rows.map((r) => {
    const cls = rowClass?.(r);
    return `<tr${cls ? ` class="${escapeHtml(cls)}"` : ''}>${cols.map((c) => `<td>${cell((r as Record<string, unknown>)[c])}</td>`).join('')}</tr>`;
  });
  return `${head}<table><thead><tr>${th}</tr></thead><tbody>${trs.join('')}</tbody></table>`;
}

/**
 * A self-contained printable report: inline CSS, no scripts (a CSP meta tag forbids them), every value escaped.
 */
export function renderEvidenceHtml(pack: EvidencePack): string {
  const summary = Object.entries(pack.summary).map(([k, v]) => `<div>${escapeHtml(humanize(k))}<b>${escapeHtml(v)}</b></div>`).join('');
  const period = pack.period ? ` · period ${escapeHtml(pack.period.from)} – ${escapeHtml(pack.period.to)}` : '';
  const tags = pack.frameworkTags.map((t) => ({ tag: t.id, control: describeTag(t.id) }));
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(pack.title)}</title><style>${CSS}</style></head><body>`,
    `<h1>${escapeHtml(pack.title)}</h1>`,
    `<p class="meta">Generated ${escapeHtml(pack.generatedAt)}${period} · unused threshold ${escapeHtml(pack.unusedDays)} days · ${escapeHtml(pack.schema)}</p>`,
    `<h2>Summary</h2><div class="summary">${summary}</div>`,
    table('Recommendations', pack.recommendations, (r) => (r.action === 'keep' ? undefined : r.action)),
    table('Entitlements', pack.entitlements),
    table('Assignments (approvals)', pack.assignments),
    table('Elevation decisions', pack.elevations),
    table('Sessions, approvals and checkouts', pack.sessions),
    table('Revocations', pack.revocations),
    table('Findings', pack.findings),
    table('Conflicts and resolutions', pack.conflicts),
    table('Ledger entries', pack.ledger),
    table('Framework controls', tags),
    '</body></html>',
    '',
  ].join('\n');
}
