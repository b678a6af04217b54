package store

import "time"

// now is the store's clock: UTC, microsecond precision (what both databases keep).
func now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

// dbTime normalises t the same way (zero stays zero).
func dbTime(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC().Truncate(time.Microsecond)
}

// dbTimePtr normalises *t.
func dbTimePtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	v := dbTime(*t)
	return &v
}
