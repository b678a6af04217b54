package wsgraphql

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"unicode/utf8"
)

// The subprotocols, as negotiated in Sec-WebSocket-Protocol.
const (
	// ProtocolGraphQLTransportWS is graphql-transport-ws, the protocol of
	// the graphql-ws library (github.com/enisdenjo/graphql-ws PROTOCOL.md).
	ProtocolGraphQLTransportWS = "graphql-transport-ws"
	// ProtocolGraphQLWS is the legacy graphql-ws protocol of Apollo's
	// subscriptions-transport-ws; a client that offers no subprotocol
	// speaks it too.
	ProtocolGraphQLWS = "graphql-ws"
)

// protocol is a socket's subprotocol.
type protocol uint8

const (
	legacyWS    protocol = iota // graphql-ws (subscriptions-transport-ws)
	transportWS                 // graphql-transport-ws
)

// kind is what a client message asks, the same in both protocols.
type kind uint8

const (
	kindInit      kind = iota + 1 // connection_init
	kindSubscribe                 // subscribe (legacy: start)
	kindComplete                  // complete (legacy: stop)
	kindPing                      // ping (graphql-transport-ws only)
	kindPong                      // pong (graphql-transport-ws only)
	kindTerminate                 // connection_terminate (legacy only)
)

// clientTypes maps each protocol's client message types to kinds.
var clientTypes = [...]map[string]kind{
	legacyWS: {"connection_init": kindInit, "start": kindSubscribe, "stop": kindComplete,
		"connection_terminate": kindTerminate},
	transportWS: {"connection_init": kindInit, "subscribe": kindSubscribe, "complete": kindComplete,
		"ping": kindPing, "pong": kindPong},
}

// message is one client message.
type message struct {
	kind    kind
	id      string
	payload json.RawMessage // nil when absent or null
}

// MessageError is a client message that cannot be understood: not a JSON
// object, a type the protocol does not have, an id or payload of the
// wrong shape. The socket answers it with close code 4400 (legacy
// graphql-ws clients get a connection_error with the reason first).
type MessageError struct {
	// Reason says what is wrong, for the client.
	Reason string
}

func (e *MessageError) Error() string { return "invalid message: " + e.Reason }

// errEmptyID is the Reason of a subscribe or complete without an id.
const errEmptyID = "an id is required"

// decode parses one client message of protocol p. It returns a
// *MessageError for anything the protocol does not allow.
func decode(p protocol, data []byte) (message, error) {
	var raw struct {
		Type    *string         `json:"type"`
		ID      json.RawMessage `json:"id"`
		Payload json.RawMessage `json:"payload"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return message{}, &MessageError{Reason: fmt.Sprintf("%s must be a string", te.Field)}
		}
		return message{}, &MessageError{Reason: "not a JSON object"}
	}
	if raw.Type == nil {
		return message{}, &MessageError{Reason: "no type"}
	}
	k, ok := clientTypes[p][*raw.Type]
	if !ok {
		return message{}, &MessageError{Reason: "unknown message type " + quoteShort(*raw.Type)}
	}
	m := message{kind: k}
	if len(raw.ID) > 0 && !bytes.Equal(raw.ID, []byte("null")) {
		if err := json.Unmarshal(raw.ID, &m.id); err != nil {
			return message{}, &MessageError{Reason: "id must be a string"}
		}
	}
	if (k == kindSubscribe || k == kindComplete) && m.id == "" {
		return message{}, &MessageError{Reason: errEmptyID}
	}
	if len(raw.Payload) > 0 && !bytes.Equal(raw.Payload, []byte("null")) {
		m.payload = raw.Payload
	}
	if m.payload != nil && (k == kindSubscribe || k == kindInit) && m.payload[0] != '{' {
		return message{}, &MessageError{Reason: "payload must be an object"}
	}
	return m, nil
}

// quoteShort quotes s for an error message, cut to 64 bytes.
func quoteShort(s string) string {
	return strconv.Quote(truncate(s, 64))
}

// truncate cuts s to at most n bytes without splitting a UTF-8 sequence.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// Server message types.
const (
	typeAck             = "connection_ack"
	typeConnectionError = "connection_error" // legacy only
	typeKeepAlive       = "ka"               // legacy only
	typePing            = "ping"             // graphql-transport-ws only
	typePong            = "pong"             // graphql-transport-ws only
	typeError           = "error"
	typeComplete        = "complete"
)

// nextType is the type of a result message: "next", legacy "data".
func (p protocol) nextType() string {
	if p == transportWS {
		return "next"
	}
	return "data"
}

// appendMessage appends the JSON of a server message to b: its type, its
// id when not empty and its payload (JSON) when not nil.
func appendMessage(b []byte, typ, id string, payload []byte) []byte {
	b = appendHead(b, typ, id)
	if payload != nil {
		b = append(b, `,"payload":`...)
		b = append(b, payload...)
	}
	return append(b, '}')
}

// appendHead appends a server message's opening: its type, and its id
// when not empty.
func appendHead(b []byte, typ, id string) []byte {
	b = append(b, `{"type":"`...)
	b = append(b, typ...)
	b = append(b, '"')
	if id != "" {
		b = append(b, `,"id":`...)
		b = appendJSONString(b, id)
	}
	return b
}

// appendJSONString appends s as json.Marshal writes it: as it is between
// quotes when it is printable ASCII that needs no escape (ids usually
// are), else by json.Marshal.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s) // a string always marshals
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}
