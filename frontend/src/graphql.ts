// The typed GraphQL tag: every query's result and variable types come from
// the server's schema (graph/*.graphqls, concatenated into schema.graphql,
// turned into src/graphql-env.d.ts by `npm run generate`), so a query that
// drifts from the schema fails `tsc`, not the end-to-end test.
import { initGraphQLTada } from 'gql.tada';
import type { introspection } from './graphql-env.d.ts';

export const graphql = initGraphQLTada<{
  introspection: introspection;
  scalars: { Time: string; Upload: File; JobID: string };
  // Fragments spread into a query are part of its result type.
  disableMasking: true;
}>();

export type { FragmentOf, ResultOf, VariablesOf } from 'gql.tada';
