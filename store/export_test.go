package store

// EventsLockKey is the advisory-lock key AppendEvent takes on PostgreSQL.
const EventsLockKey = eventsLockKey
