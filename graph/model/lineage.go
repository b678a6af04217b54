package model

import (
	"time"

	"activelab/ident"
	"activelab/store"
)

// Model is a model lineage in the API: every version of one model. ID is
// the lineage id (version 1's id); Current is the active version, or the
// latest when none is active, which the scalar fields describe.
type Model struct {
	ID      ident.ID
	Current *store.MLModel
}

// Name is the model's name.
func (m *Model) Name() string { return m.Current.Name }

// Endpoint is the property the model predicts.
func (m *Model) Endpoint() string { return m.Current.Endpoint }

// Task is regression or classification.
func (m *Model) Task() store.Task { return m.Current.Task }

// Status is the current version's status.
func (m *Model) Status() store.ModelStatus { return m.Current.Status }

// CurrentVersion is the active version, else the latest.
func (m *Model) CurrentVersion() *store.MLModel { return m.Current }

// CreatedAt is when the current version was created.
func (m *Model) CreatedAt() time.Time { return m.Current.CreatedAt }

// Classes are the class names of a classification model in index order
// (empty for regression).
func (m *Model) Classes() []string {
	if c := m.Current.ClassList(); c != nil {
		return c
	}
	return []string{}
}
