package graph

//go:generate go tool gqlgen

import (
	"log/slog"

	"activelab/activelearning"
	"activelab/auth"
	"activelab/events"
)

// Resolver is the dependency root of the resolvers. Resolvers are thin:
// they decode arguments, make one service call and convert the result.
type Resolver struct {
	// Auth holds the account and credential rules.
	Auth *auth.Service
	// Svc holds the active-learning rules (models, compounds, the queue,
	// cycles, statistics).
	Svc *activelearning.Service
	// Broker streams committed events to subscriptions.
	Broker *events.Broker
	// Jobs lists and cancels background jobs for admins (nil: the jobs
	// query and cancelJob answer that there are none here).
	Jobs JobAdmin
	// Log is the fallback logger (requests carry their own).
	Log *slog.Logger

	// items shares each queue event's item among its subscribers.
	items eventItems
}
