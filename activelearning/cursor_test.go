package activelearning

import (
	"activelab/ident"
	"testing"
)

// FuzzDecodeCursor: a client-supplied cursor never panics, and a cursor the
// service wrote decodes to what it encoded.
func FuzzDecodeCursor(f *testing.F) {
	f.Add(encodeCursor(cursor{Order: OrderPriorityDesc, Priority: 0.25, ID: ident.New()}), string(OrderPriorityDesc))
	f.Add(encodeCursor(cursor{Order: OrderCreatedAtAsc, ID: ident.New()}), string(OrderCreatedAtAsc))
	f.Add("bogus", string(OrderCreatedAtDesc))
	f.Add("", "")
	f.Fuzz(func(t *testing.T, s, order string) {
		c, err := decodeCursor(s, QueueOrder(order))
		if err != nil {
			if _, ok := err.(*InputError); !ok {
				t.Fatalf("error %T, want *InputError", err)
			}
			return
		}
		back, err := decodeCursor(encodeCursor(c), QueueOrder(order))
		if err != nil || back != c {
			t.Fatalf("round trip %+v -> %+v (%v)", c, back, err)
		}
	})
}
