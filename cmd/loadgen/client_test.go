package main

import (
	"encoding/json"
	"reflect"
	"testing"
)

// decodeSlow is readEvent's general path alone: what every message must
// decode to.
func decodeSlow(t testing.TB, data []byte) (string, *queueEvent, bool) {
	t.Helper()
	var msg serverMessage
	if err := json.Unmarshal(data, &msg); err != nil || len(msg.Payload.Errors) > 0 {
		return "", nil, false
	}
	return msg.Type, &msg.Payload.Data.QueueEvents, true
}

// TestReadEvent: the fast path reads the server's framing, and every
// message, framed so or not, decodes as encoding/json decodes it.
func TestReadEvent(t *testing.T) {
	for _, tc := range []struct {
		msg  string
		fast bool // read without encoding/json
	}{
		{`{"type":"next","id":"1","payload":{"data":{"queueEvents":{"seq":42,"type":"item_labeled","itemId":"0193a3f0-7c1e-7a51-9d0e-2f6b1c9e8a77"}}}}`, true},
		{`{"type":"next","id":"1","payload":{"data":{"queueEvents":{"seq":7,"type":"cycle_started","itemId":null}}}}`, true},
		{`{"type":"next","id":"1","payload":{"data":{"queueEvents":{"seq":7,"type":"a\"b","itemId":"x"}}}}`, false},
		{`{"type":"next","id":"1","payload":{"data":{"queueEvents":{"seq":7,"type":"item_claimed","itemId":"x"}}},"extra":1}`, false},
		{`{"type":"next","id":"1","payload":{"data":{"queueEvents":{"seq":-1,"type":"item_claimed","itemId":"x"}}}}`, false},
		{`{"id":"1","type":"next","payload":{"data":{"queueEvents":{"itemId":"x","seq":3,"type":"item_labeled"}}}}`, false},
		{`{"type":"ping"}`, false},
		{`{"type":"complete","id":"1"}`, false},
	} {
		ev, fast := readFramedEvent([]byte(tc.msg))
		if fast != tc.fast {
			t.Errorf("%s: fast path %v, want %v", tc.msg, fast, tc.fast)
		}
		typ, got, err := readEvent([]byte(tc.msg))
		wantType, want, ok := decodeSlow(t, []byte(tc.msg))
		if !ok || err != nil {
			t.Fatalf("%s: %v", tc.msg, err)
		}
		if typ != wantType || !reflect.DeepEqual(got, want) {
			t.Errorf("%s: got %s %+v, want %s %+v", tc.msg, typ, got, wantType, want)
		}
		if fast && !reflect.DeepEqual(ev, want) {
			t.Errorf("%s: fast path read %+v, want %+v", tc.msg, ev, want)
		}
	}
	if _, _, err := readEvent([]byte(`{"type":"next","id":"1","payload":{"errors":[{"message":"no"}]}}`)); err == nil {
		t.Error("a result with errors read as an event")
	}
}

// FuzzReadFramedEvent: whatever the fast path accepts, encoding/json
// reads the same.
func FuzzReadFramedEvent(f *testing.F) {
	f.Add([]byte(`{"type":"next","id":"1","payload":{"data":{"queueEvents":{"seq":42,"type":"item_labeled","itemId":"abc"}}}}`))
	f.Add([]byte(`{"type":"next","id":"1","payload":{"data":{"queueEvents":{"seq":0,"type":"x","itemId":null}}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		ev, ok := readFramedEvent(data)
		if !ok {
			return
		}
		typ, want, valid := decodeSlow(t, data)
		if !valid || typ != "next" || !reflect.DeepEqual(ev, want) {
			t.Fatalf("%q: fast path %+v, encoding/json %q %+v (valid %v)", data, ev, typ, want, valid)
		}
	})
}
