/**
 * The catalogue's template syntax, kept tiny on purpose: `{name}` inserts a parameter and
 * `{n|one|other}` picks a word by the number `n` (1 takes `one`). Nothing else is special, so a
 * template is plain text a translator can read.
 */

/** A value inserted as-is by {@link formatTemplate}'s escaping mode: platform markup, already escaped. */
export interface Markup {
  readonly markup: string;
}

export type TemplateParam = string | number | Markup;

/** The parameter names a template uses, e.g. `"{n} {n|group|groups} in {topic}"` → `"n" | "topic"`. */
export type TemplateNames<S extends string> = S extends `${string}{${infer P}}${infer Rest}`
  ? (P extends `${infer N}|${string}` ? N : P) | TemplateNames<Rest>
  : never;

const PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9]*)(?:\|([^|{}]*)\|([^|{}]*))?\}/g;

/**
 * The parameter names of a template, at run time (for the catalogue test). With `valuesOnly`,
 * only those inserted as values: a language without plurals may drop a `{n|one|other}` selector.
 */
export function templateNames(template: string, options: { valuesOnly?: boolean } = {}): string[] {
  const used = [...template.matchAll(PLACEHOLDER)].filter((m) => !options.valuesOnly || m[2] === undefined);
  return [...new Set(used.map((m) => m[1] as string))].sort();
}

/**
 * Fills a template. `escape` applies to the literal text and to string parameters; numbers become
 * their decimal form; {@link Markup} goes in untouched. A parameter that is missing stays visible
 * as `{name}` rather than silently vanishing.
 */
export function formatTemplate(template: string, params: Readonly<Record<string, TemplateParam>> = {}, escape: (text: string) => string = (t) => t): string {
  let out = '';
  let last = 0;
  for (const m of template.matchAll(PLACEHOLDER)) {
    out += escape(template.slice(last, m.index));
    last = (m.index ?? 0) + m[0].length;
    const name = m[1] as string;
    const value = Object.hasOwn(params, name) ? params[name] : undefined;
    if (m[2] !== undefined) {
      out += escape(value === 1 ? m[2] : (m[3] ?? ''));
    } else if (value === undefined) {
      out += escape(`{${name}}`);
    } else if (typeof value === 'object') {
      out += value.markup;
    } else {
      out += typeof value === 'number' ? String(value) : escape(value);
    }
  }
  return out + escape(template.slice(last));
}
