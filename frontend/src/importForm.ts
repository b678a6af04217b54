// The import form's rules, apart from the page: how its fields become the
// importCompounds input (graph/activelearning.graphqls ImportCompoundsInput).
import { classNamesProblem, parseClasses } from './newModel';

/** EndpointColumn is an endpoint and the column (CSV, XLSX) or SDF data item holding its values. */
export interface EndpointColumn {
  endpoint: string;
  column: string;
}

/**
 * parseEndpointMapping reads "logS=LOGS, pIC50=PIC50" as the server's
 * ingest.ParseEndpoints does: pairs separated by commas, a lone name an
 * endpoint read from the column of that name, spaces around names
 * dropped. An empty name or an endpoint given twice (in any case) is a
 * problem, returned as a message.
 */
export function parseEndpointMapping(text: string): EndpointColumn[] | string {
  const out: EndpointColumn[] = [];
  const seen = new Set<string>();
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    const endpoint = (eq < 0 ? part : part.slice(0, eq)).trim();
    const column = eq < 0 ? endpoint : part.slice(eq + 1).trim();
    if (endpoint === '' || column === '') return `“${part.trim()}”: write each endpoint as endpoint=column.`;
    if (seen.has(endpoint.toLowerCase())) return `The endpoint ${endpoint} is given twice.`;
    seen.add(endpoint.toLowerCase());
    out.push({ endpoint, column });
  }
  return out;
}

/** ImportFields are the import form's text fields and choices, as typed. */
export interface ImportFields {
  setName: string;
  smilesColumn: string;
  nameColumn: string;
  endpoint: string;
  valueColumn: string;
  /** Several endpoints at once: "logS=LOGS, pIC50=PIC50". */
  mapping: string;
  decimalComma: boolean;
  /** A classification endpoint's class names in index order, comma-separated ('' = numeric values). */
  classes: string;
}

/** ImportInputFields is the importCompounds input without its file. */
export interface ImportInputFields {
  setName: string;
  smilesColumn: string | null;
  nameColumn: string | null;
  endpoint: string | null;
  valueColumn: string | null;
  endpoints: EndpointColumn[] | null;
  decimalComma: boolean | null;
  classes: string[] | null;
}

/**
 * importInput checks the form and builds the input, or says what is
 * wrong. Values need an endpoint; classes (class names read as their
 * index) need values; with a mapping, the value column and
 * endpoint (when both given) join it, and the input names endpoints only
 * (the server takes one or the other).
 */
export function importInput(f: ImportFields): ImportInputFields | string {
  if (f.setName.trim() === '') return 'Name the compound set to import into.';
  const endpoint = f.endpoint.trim();
  const valueColumn = f.valueColumn.trim();
  if (valueColumn !== '' && endpoint === '') return 'Values need an endpoint: say what they measure (e.g. logS).';
  const classes = parseClasses(f.classes);
  if (classes.length > 0) {
    if (valueColumn === '' && f.mapping.trim() === '') return 'Classes name the values of a value column: give the column and its endpoint.';
    const problem = classNamesProblem(classes);
    if (problem) return problem;
  }
  let endpoints: EndpointColumn[] | null = null;
  if (f.mapping.trim() !== '') {
    const parsed = parseEndpointMapping((valueColumn !== '' ? `${endpoint}=${valueColumn},` : '') + f.mapping);
    if (typeof parsed === 'string') return parsed;
    endpoints = parsed;
  }
  return {
    setName: f.setName.trim(),
    smilesColumn: f.smilesColumn.trim() || null,
    nameColumn: f.nameColumn.trim() || null,
    endpoint: endpoints ? null : endpoint || null,
    valueColumn: endpoints ? null : valueColumn || null,
    endpoints,
    decimalComma: f.decimalComma || null,
    classes: classes.length > 0 ? classes : null,
  };
}
