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
// Two mechanisms, each in one place:
//
//   - [RequireAuthentication], a handler extension, refuses any operation
//     from an anonymous caller unless all its root fields are @public
//     (only `login`). So a new field needs authentication by default.
//     Introspection also needs authentication.
//   - The @hasRole(role: Role!) directive ([HasRole]) guards fields that
//     need more than VIEWER: FORBIDDEN otherwise.
//
// # Ids
//
// Database ids are int64 in Go and ID in GraphQL (package scalar).
package graph
