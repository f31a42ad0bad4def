/**
 * A piece of SQL with its parameters in order of appearance. Values only ever travel as parameters (`?`);
 * `raw` text is for identifiers and keywords that come from our own code, never from input.
 */
export interface Fragment {
  readonly text: string;
  readonly params: readonly unknown[];
}

export const raw = (text: string): Fragment => ({ text, params: [] });

export const param = (value: unknown): Fragment => ({ text: '?', params: [value] });

/** Tagged template: interpolated Fragments are inlined, anything else becomes a parameter. */
export function sql(strings: TemplateStringsArray, ...values: unknown[]): Fragment {
  let text = strings[0] ?? '';
  const params: unknown[] = [];
  values.forEach((v, i) => {
    if (isFragment(v)) {
      text += v.text;
      params.push(...v.params);
    } else {
      text += '?';
      params.push(v);
    }
    text += strings[i + 1] ?? '';
  });
  return { text, params };
}

export function join(parts: readonly Fragment[], separator: string): Fragment {
  return { text: parts.map((p) => p.text).join(separator), params: parts.flatMap((p) => p.params) };
}

export function isFragment(v: unknown): v is Fragment {
  return typeof v === 'object' && v !== null && 'text' in v && 'params' in v && Array.isArray((v as Fragment).params);
}

export const TRUE = raw('(1=1)');
export const FALSE = raw('(1=0)');

/** The conjunction of `parts` (TRUE when there are none). */
export function and(parts: readonly Fragment[]): Fragment {
  return parts.length === 0 ? TRUE : join(parts.map((p) => sql`(${p})`), ' AND ');
}
