import { describe, expect, it } from 'vitest';
import { buildEvidencePack } from '../../../gateway/domain/evidence-pack.ts';
import { escapeHtml } from '../../../gateway/domain/evidence-html.ts';
import { csvCell, CSV_COLUMNS, renderEvidenceCsv, renderEvidenceHtml, renderEvidenceJson } from '../../../gateway/domain/evidence-render.ts';
import type { EntitlementId } from '../../../gateway/domain/ids.ts';
import { assignment, entitlement, identity, NOW } from './domain-fixtures.ts';
import { scenario } from './evidence-scenario.ts';

/** A minimal RFC 4180 reader, to check that what we write parses back to what we meant. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (c === '"') quoted = false; else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; } else if (c === '\r' && text[i + 1] === '\n') { row.push(field); rows.push(row); row = []; field = ''; i++; } else field += c;
  }
  return rows;
}

const hostile = 'Admins "<script>alert(1)</script>", & co\r\nline2';
const evil = {
  ...scenario,
  entitlements: [entitlement({ displayName: hostile, governance: { owner: '=HYPERLINK("http://x","y")' } })],
  identities: [identity({ userName: '@SUM(A1)' })],
  assignments: [assignment({ ticket: '+1-555', approver: "-2+3 o'brien" })],
};
const pack = buildEvidencePack({ kind: 'entitlement', entitlementId: 'ent_DBA' as EntitlementId }, evil, NOW);

describe('csvCell', () => {
  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['=1+1', "'=1+1"],
    ['+1', "'+1"],
    ['-1', "'-1"],
    ['@x', "'@x"],
    ['\tx', "'\tx"],
    ['=A1,"b"', `"'=A1,""b"""`],
    [null, ''],
    [undefined, ''],
    [42, '42'],
    [true, 'true'],
  ] as const)('%o → %s', (value, expected) => {
    expect(csvCell(value)).toBe(expected);
  });
});

describe('renderEvidenceCsv', () => {
  const csv = renderEvidenceCsv(pack);
  const rows = parseCsv(csv);

  it('is one RFC 4180 table with CRLF line ends and a constant column count', () => {
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(rows[0]).toEqual([...CSV_COLUMNS]);
    for (const r of rows) expect(r).toHaveLength(CSV_COLUMNS.length);
    const sections = new Set(rows.slice(1).map((r) => r[0]));
    for (const s of ['entitlement', 'assignment', 'recommendation', 'elevation', 'session', 'revocation', 'finding', 'conflict', 'ledger', 'framework-tag']) expect(sections).toContain(s);
  });

  it('round-trips hostile text and neutralises formulas', () => {
    const ent = rows.find((r) => r[0] === 'entitlement')!;
    expect(ent[2]).toBe(hostile);
    expect(ent[3]).toBe('\'=HYPERLINK("http://x","y")');
    const asg = rows.find((r) => r[0] === 'assignment')!;
    expect(asg[3]).toBe("'@SUM(A1)");
    for (const r of rows) for (const cell of r) expect(cell).not.toMatch(/^[=+\-@]/);
  });
});

describe('renderEvidenceHtml', () => {
  const html = renderEvidenceHtml(pack);

  it('escapes every value', () => {
    expect(html).not.toContain('<script>');
    expect(html).toContain('Admins &quot;&lt;script&gt;alert(1)&lt;/script&gt;&quot;, &amp; co');
    expect(html).toContain('o&#39;brien');
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });

  it('is self-contained and printable: inline CSS, no scripts, no external resources', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<style>');
    expect(html).toContain('@media print');
    expect(html).toMatch(/Content-Security-Policy" content="default-src 'none'/);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|\son[a-z]+=/i);
    expect(html).not.toMatch(/(src|href)=["']?https?:/i);
    for (const h of ['Summary', 'Recommendations', 'Entitlements', 'Assignments (approvals)', 'Elevation decisions', 'Revocations', 'Findings', 'Conflicts and resolutions', 'Ledger entries', 'Framework controls']) {
      expect(html).toContain(`<h2>${escapeHtml(h)}`);
    }
    expect(html).toContain('(CSF 1.1: PR.AC-4)');
  });
});

describe('renderEvidenceJson', () => {
  it('is the pack, parseable', () => {
    expect(JSON.parse(renderEvidenceJson(pack))).toEqual(JSON.parse(JSON.stringify(pack)));
  });
});
