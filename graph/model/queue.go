package model

import (
	"activelab/ident"
	"activelab/store"
)

// QueueFilter is labelQueue's filter. It is written by hand (and bound in
// gqlgen.yml) because autobind would otherwise pick store.QueueFilter.
type QueueFilter struct {
	// ModelID is a model lineage id (every version's items).
	ModelID *ident.ID `json:"modelId,omitempty"`
	// Status keeps items in these states.
	Status []store.QueueStatus `json:"status,omitempty"`
	// AssignedTo is a user id.
	AssignedTo *ident.ID `json:"assignedTo,omitempty"`
	// Archived keeps archived items (true), the others (false, the
	// default) or both (null).
	Archived *bool `json:"archived"`
}
