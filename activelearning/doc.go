// Package activelearning is ActiveLab's service: every rule of importing
// compounds, training model lineages, selecting compounds to label, the label
// queue, retraining in cycles and statistics. Resolvers and commands call it;
// it calls store, ml, ml/sampling and chem, and enqueues River jobs through
// JobEnqueuer (package jobs).
package activelearning
