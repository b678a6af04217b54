// Package events publishes domain events to subscribers without losing any.
//
// # Model
//
// Every state change of the active-learning service writes an [Event] row
// (the outbox) in the same database transaction as the change. The row's
// sequence number is monotonic. After the transaction commits, the writer
// calls [Broker.Notify] (on SQLite, one process) or the database delivers a
// PostgreSQL NOTIFY to every replica; either way a [Broker] then reads the
// new rows from its [Source] in sequence order and fans them out to its
// subscribers.
//
// Because events reach subscribers only after they are read back from the
// outbox, a subscriber sees exactly what was committed, in sequence order,
// and a subscriber that passes the last sequence it saw to [Broker.Subscribe]
// first receives what it missed, then live events, with no gap and no
// duplicate between the two.
//
// # Ordering and gaps
//
// Sequence numbers are assigned when rows are inserted, but transactions can
// commit in another order. Writers therefore serialise event inserts per
// database (SQLite has one writer; on PostgreSQL the store takes a
// transaction-scoped advisory lock before inserting events), so commit order
// equals sequence order and reading "everything after the last sequence"
// never skips a row.
//
// # Slow subscribers
//
// Each subscription has a bounded buffer. A subscriber that falls behind by
// more than that is ended with [ErrSlowSubscriber] rather than slowing the
// broker; it reconnects with its last sequence and misses nothing. The
// buffer holds pointers (every subscriber of an event receives the same
// *Event), so an idle subscription costs its slots' 8 bytes each;
// [SubscribeConverted] buffers a converted value instead, without a
// goroutine of the subscriber's own.
package events
