package graph

//go:generate go tool gqlgen

import (
	"log/slog"
	"time"

	"activelab/activelearning"
	"activelab/auth"
	"activelab/events"
	"activelab/graph/model"
	"activelab/store"
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
	// Streams hears the event subscriptions (nil: nobody), for metrics.
	Streams StreamObserver

	// items shares each queue event's item among its subscribers.
	items eventItems
	// queueEvents, retrainProgress and cycleEvents share each event's
	// conversion among the subscribers of their field.
	queueEvents     lastConverted[model.QueueEvent]
	retrainProgress lastConverted[model.RetrainProgress]
	cycleEvents     lastConverted[model.CycleEvent]
	// cycleUpdated shares each event's cycle read among its subscribers.
	cycleUpdated lastLoaded[store.ActiveLearningCycle]
}

// StreamObserver hears the subscriptions that stream domain events
// (queueEvents, retrainProgress, cycleUpdated, cycleEvents: StreamFields),
// for metrics; the server's Prometheus collectors implement it. Its methods
// are called from the subscriptions' goroutines and from the event
// broker's delivery (with its lock held): they must be cheap and must not
// block.
type StreamObserver interface {
	// StreamStarted is called when a subscription of field starts
	// receiving events, StreamEnded once when it stops.
	StreamStarted(field string)
	StreamEnded(field string)
	// EventSent is called when an event has been handed to the
	// subscription (its channel, for gqlgen to execute, or Fanout's
	// direct delivery, which writes its shared result next), with
	// its lag: the time since the event's created_at, stamped as its
	// transaction wrote it, just before the commit. Events committed
	// before the subscription started (replayed after afterSeq) are not
	// reported: their age is not a delivery delay.
	EventSent(field string, lag time.Duration)
}

// The subscription fields that stream events, as StreamObserver names them.
const (
	FieldQueueEvents     = "queueEvents"
	FieldRetrainProgress = "retrainProgress"
	FieldCycleUpdated    = "cycleUpdated"
	FieldCycleEvents     = "cycleEvents"
)

// StreamFields lists the subscription fields that stream events.
var StreamFields = []string{FieldQueueEvents, FieldRetrainProgress, FieldCycleUpdated, FieldCycleEvents}
