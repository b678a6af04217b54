// Package wsgraphql is a gqlgen transport for GraphQL over websockets,
// built to hold many idle subscribers cheaply (issue 15: 10,000 sockets on
// one process under 60 KB each).
//
// # Protocols
//
// Both subprotocols gqlgen's own transport spoke, negotiated in its order
// (a client offering both gets graphql-ws; one offering neither speaks
// graphql-ws):
//
//   - graphql-transport-ws (the graphql-ws library, the web app and the
//     Python client): connection_init, connection_ack, subscribe, next,
//     error, complete, ping and pong.
//   - graphql-ws (Apollo's legacy subscriptions-transport-ws):
//     connection_init, connection_ack (followed by "ka"), start, data,
//     error, complete, stop, connection_terminate, connection_error, "ka".
//
// connection_init's payload goes to Config.Init, which returns the context
// the socket's operations run in or refuses the socket with a close code
// (*CloseError). Queries and mutations may be sent over the socket as well
// as subscriptions; each operation ends with complete.
//
// # Close codes
//
// 4400 invalid message (not JSON, unknown type, a subscribe without an
// id), 4401 subscribe before connection_ack, 4408 no connection_init
// within Config.InitTimeout, 4409 a graphql-transport-ws id already
// running (legacy graphql-ws gets an error message for that id), 4429 a
// second connection_init, Init's codes for a refusal, 1009 a message over
// Config.ReadLimit, 1013 (try again later) when more than 256 messages
// wait for a peer that reads nothing (its subscriptions resume with
// afterSeq on a new socket; graphql-ws clients give up after 1008, not
// after 1013), 1000 when the context Init returned ends (or the client
// terminates), 1001 when the server shuts down (Close). Before a 4xxx
// close, legacy graphql-ws clients get connection_error with the reason.
//
// # Memory
//
// What a socket costs is what the transport keeps per socket, so it keeps
// little:
//
//   - Do upgrades and returns: net/http's handler goroutine, its 4 KB
//     hijacked reader and writer and the request are released. gorilla
//     gets a 512-byte read buffer of its own and borrows write buffers
//     from a pool while it writes a message.
//   - One goroutine per socket, its reader. Writes (results, pings,
//     pongs, errors) happen on the goroutine that has them, one writer at
//     a time; there is no writer goroutine. A frame is written straight
//     to the TCP socket, in one write(2) when the send buffer has room,
//     with no write deadline (so no timer) and no copy into gorilla's
//     buffer; only a frame that does not fit waits, in a goroutine
//     started for it, bounded by Config.WriteTimeout.
//   - Each operation's context carries a gqlresponse.Sink: its results
//     may be sent without blocking by any goroutine, in order, queued
//     behind the frame being written. graph.Fanout writes an event's
//     shared result to every subscriber that way, so an event wakes no
//     goroutine per subscriber (see graph.Fanout).
//   - One goroutine per running operation, which is what gqlgen's
//     executor needs: a subscription's response function blocks until the
//     resolver's channel has the next event.
//   - One keep-alive goroutine and ticker for all sockets of a
//     Transport, running while any socket is open; it skips a socket that
//     is writing rather than wait behind a slow peer.
//   - No per-socket timers: the init timeout is a read deadline; the end
//     of Init's context closes the socket through context.AfterFunc.
//   - The upgrade request's headers are not kept (gqlgen's transport put
//     them in each operation's context; nothing here reads them), nor is
//     the init payload (transport.GetInitPayload returns nil).
package wsgraphql
