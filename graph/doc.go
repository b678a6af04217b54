// Package graph is ActiveLab's GraphQL layer: the schema (*.graphqls), the
// code gqlgen generates from it (generated.go, model/models_gen.go: never
// edit them, run `make generate`), and thin hand-written resolvers.
//
// # Dependency root
//
// [Resolver] holds the services resolvers call. Resolvers decode
// arguments, make one service call and return; rules live in the services
// (auth.Service for accounts and credentials).
//
// # Authentication and roles
//
// Two mechanisms, each in one place (the role rules themselves live in the
// services, see below):
//
//   - [RequireAuthentication], a handler extension, refuses any operation
//     from an anonymous caller unless all its root fields are @public
//     (only `login`). So a new field needs authentication by default.
//     Introspection also needs authentication.
//   - The @hasRole(role: Role!) directive ([HasRole]) documents the role a
//     field needs and requires a signed-in caller. The service method
//     behind the field enforces the role (auth.RequireRole: FORBIDDEN,
//     "<operation> requires role <ROLE>; you are <ROLE>"), so the CLI and
//     jobs meet the same rules; server's TestSchemaRolesEnforcedByService
//     checks that every field's documented role is the enforced one.
//
// # Active learning
//
// activelearning.graphqls is the API of issue 5: models (a Model is a
// lineage, its id is version 1's; ModelVersion is one row), compounds with
// measurements and Tanimoto neighbours, the label queue as a Relay
// connection (opaque keyset cursors from the service, `first` capped at
// [MaxPageSize]), cycles, stats, previewSelection, and mutations in the
// form verbNoun(input: VerbNounInput!): VerbNounPayload!. Roles: VIEWER
// reads; SCIENTIST imports, selects, claims, labels, skips, assigns to
// itself; ADMIN creates models, retrains and assigns to others (the last
// rule depends on data, so the service checks it).
//
// Resolvers make one service call; per-object lookups (a queue item's
// compound, assignee and labeler, a cycle's version) go through [Loaders]
// (vikstrous/dataloadgen), installed per response (one per query, one per
// subscription event) by [LoaderMiddleware], so
// a page of 100 items costs a constant number of queries.
//
// Subscriptions read the event outbox through events.Broker: queueEvents
// and retrainProgress take afterSeq and first replay what a reconnecting
// client missed, then continue live, with no gap and no duplicate. Their
// events are converted inside the broker's delivery (events.SubscribeConverted),
// once per event for all subscribers, so an idle subscription holds no
// goroutine of its own; cycleUpdated, which reads the cycle, converts on a
// goroutine per subscription, the subscribers sharing each event's read
// (the first loads it, the others wait for it and take the same cycle).
//
// [Fanout] (a handler extension, installed before the loaders) then
// resolves each event of those four once for all its subscribers with
// the same result key: the document, the operation's name, the values of
// the variables the subscription field's selection uses (not those of its
// own arguments, modelId or afterSeq, which chose the events), the
// caller's role, and the caller's user when the selection reaches a field
// in [CallerDependentFields] (User.email). The first subscriber of an
// event executes and marshals it; the others get its response and only
// the websocket write remains per subscriber. A resolver of an object
// field that reads the caller must be listed in CallerDependentFields
// (TestCallerDependentFieldsListed fails otherwise).
//
// # Ids
//
// Entity ids are store.ID (package ident: time-ordered UUIDs) in Go and ID (the
// UUID's canonical text) in GraphQL; background jobs have JobID (River's
// integer, as a string). Package scalar reads and writes both.
package graph
