// Pure logic of the API tokens page.

export interface ApiToken {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
}

export const EXPIRIES: { value: string; label: string; days: number | null }[] = [
  { value: '90', label: 'In 90 days', days: 90 },
  { value: '30', label: 'In 30 days', days: 30 },
  { value: '365', label: 'In a year', days: 365 },
  { value: 'never', label: 'Never', days: null },
];

/** expiresAt turns an expiry choice into the mutation's time (null: never). */
export function expiresAt(choice: string, now: Date): string | null {
  const days = EXPIRIES.find((e) => e.value === choice)?.days ?? null;
  return days === null ? null : new Date(now.getTime() + days * 86_400_000).toISOString();
}

/** tokenStatus says whether a token still authenticates. */
export function tokenStatus(t: ApiToken, now: Date): 'active' | 'revoked' | 'expired' {
  if (t.revokedAt) return 'revoked';
  if (t.expiresAt && new Date(t.expiresAt).getTime() <= now.getTime()) return 'expired';
  return 'active';
}


/** pythonSnippet is how a notebook uses a token against this server. */
export function pythonSnippet(origin: string, secret: string): string {
  return [
    'import requests',
    '',
    `API = "${origin}/graphql"`,
    `HEADERS = {"Authorization": "Bearer ${secret}"}`,
    '',
    'def gql(query, **variables):',
    '    r = requests.post(API, json={"query": query, "variables": variables}, headers=HEADERS)',
    '    r.raise_for_status()',
    '    body = r.json()',
    '    if "errors" in body:',
    '        raise RuntimeError(body["errors"])',
    '    return body["data"]',
    '',
    'print(gql("{ models { id name endpoint } }"))',
  ].join('\n');
}
