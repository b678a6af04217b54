// A urql client for component tests that answers each operation by its
// name, as a test's answer function says, and records what was sent.
import { Client, makeResult, type Exchange, type Operation, type OperationResult } from 'urql';
import { print } from 'graphql';
import { filter, map, pipe } from 'wonka';

/** What a test's answer function returns for one operation: data, or GraphQL errors as the server sends them. */
export type Answer = { data: unknown } | { errors: { message: string; extensions?: Record<string, unknown> }[] };

/** One operation the component sent: its name and variables. */
export interface Sent {
  name: string;
  variables: Record<string, unknown>;
  /** The document as sent (printed). */
  query: string;
}

/** operationName is the name of an operation's document ("Queue", "Promote"). */
export function operationName(op: Operation): string {
  for (const d of op.query.definitions) if (d.kind === 'OperationDefinition') return d.name?.value ?? '';
  return '';
}

/**
 * fakeClient returns a client whose every query and mutation is answered
 * by answer(name, variables), and the list of what was sent, in order. An
 * operation answer does not know fails the test with its name.
 */
export function fakeClient(answer: (name: string, variables: Record<string, unknown>) => Answer | undefined): { client: Client; sent: Sent[] } {
  const sent: Sent[] = [];
  const reply = (op: Operation): OperationResult => {
    const name = operationName(op);
    const variables = (op.variables ?? {}) as Record<string, unknown>;
    sent.push({ name, variables, query: print(op.query) });
    const a = answer(name, variables);
    if (!a) throw new Error(`unexpected operation ${name} ${JSON.stringify(variables)}`);
    return makeResult(op, a as Parameters<typeof makeResult>[1]);
  };
  const exchange: Exchange = () => (ops$) =>
    pipe(
      ops$,
      filter((op) => op.kind !== 'teardown'),
      map(reply),
    );
  return { client: new Client({ url: '/graphql', exchanges: [exchange] }), sent };
}
