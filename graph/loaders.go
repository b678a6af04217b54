package graph

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"activelab/activelearning"
	"activelab/store"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vikstrous/dataloadgen"
)

// Loaders batch the lookups resolvers make per object (the compound and
// users of each queue item, a cycle's model version), so a page of 100
// queue items costs a constant number of queries. One set lives for one
// response (a query's, or one subscription event's): see LoaderMiddleware.
type Loaders struct {
	// Compounds loads compounds without their computed columns
	// (store.CompoundSummariesByIDs: a queue page would otherwise read
	// kilobytes of feature vectors per compound that the schema never
	// shows); Descriptors loads the descriptors of those that ask.
	Compounds   *dataloadgen.Loader[store.ID, *store.Compound]
	Descriptors *dataloadgen.Loader[store.ID, json.RawMessage]
	Users       *dataloadgen.Loader[store.ID, *store.User]
	// Versions loads model versions by id, without their artifacts
	// (store.ModelVersionInfo: the schema shows no artifact, and a queue
	// page would otherwise read ~150 KB per version for a class name);
	// Current loads a lineage's current version (active, else latest) by
	// lineage id.
	Versions *dataloadgen.Loader[store.ID, *store.MLModel]
	Current  *dataloadgen.Loader[store.ID, *store.MLModel]
	// Calibrations loads model versions' interval calibrations by
	// version id (nil for a version without intervals), for queue items'
	// interval(level) at levels other than the stored 90 %.
	Calibrations *dataloadgen.Loader[store.ID, *activelearning.Calibration]
	// History loads queue items' label histories by item id.
	History *dataloadgen.Loader[store.ID, []*store.LabelChange]
	// Diagnoses loads cycles' diagnoses by cycle id, uncached: labels
	// change them, and a subscription keeps its loaders.
	Diagnoses *dataloadgen.Loader[store.ID, *activelearning.CycleDiagnosis]
}

// NewLoaders returns a fresh set of loaders over svc's store.
func NewLoaders(svc *activelearning.Service) *Loaders {
	st := svc.Store()
	wait := dataloadgen.WithWait(loaderWait)
	return &Loaders{
		Compounds: dataloadgen.NewMappedLoader(func(ctx context.Context, ids []store.ID) (map[store.ID]*store.Compound, error) {
			cs, err := st.CompoundSummariesByIDs(ctx, ids)
			if err != nil {
				return nil, err
			}
			out := make(map[store.ID]*store.Compound, len(cs))
			for _, c := range cs {
				out[c.ID] = c
			}
			return out, nil
		}, wait),
		Descriptors: dataloadgen.NewMappedLoader(st.CompoundDescriptors, wait),
		Users: dataloadgen.NewMappedLoader(func(ctx context.Context, ids []store.ID) (map[store.ID]*store.User, error) {
			us, err := st.UsersByIDs(ctx, ids)
			if err != nil {
				return nil, err
			}
			out := make(map[store.ID]*store.User, len(us))
			for _, u := range us {
				out[u.ID] = u
			}
			return out, nil
		}, wait),
		// A page holds items of one or two versions: one query per
		// distinct version.
		Versions: dataloadgen.NewLoader(func(ctx context.Context, ids []store.ID) ([]*store.MLModel, []error) {
			out := make([]*store.MLModel, len(ids))
			errs := make([]error, len(ids))
			for i, id := range ids {
				out[i], errs[i] = st.ModelVersionInfo(ctx, id)
			}
			return out, errs
		}, wait),
		Calibrations: dataloadgen.NewMappedLoader(svc.Calibrations, wait),
		Diagnoses:    dataloadgen.NewMappedLoader(svc.CycleDiagnoses, wait, dataloadgen.WithoutCache()),
		Current: dataloadgen.NewMappedLoader(func(ctx context.Context, ids []store.ID) (map[store.ID]*store.MLModel, error) {
			return st.CurrentVersions(ctx, ids)
		}, wait),
		History: dataloadgen.NewLoader(func(ctx context.Context, ids []store.ID) ([][]*store.LabelChange, []error) {
			hs, err := svc.LabelHistory(ctx, ids)
			out := make([][]*store.LabelChange, len(ids))
			errs := make([]error, len(ids))
			for i, id := range ids {
				out[i], errs[i] = hs[id], err
				if out[i] == nil {
					out[i] = []*store.LabelChange{}
				}
			}
			return out, errs
		}, wait),
	}
}

// loaderWait is how long a loader collects keys before it fetches them.
// gqlgen resolves a list's elements concurrently and they call Load within
// microseconds of each other, so dataloadgen's default 16 ms only adds
// latency: every query that resolves a nested object waited it (issue
// 15: labelQueue(first: 25) with compounds, see
// server.BenchmarkLabelQueueFirstPage). Zero would fire the batch as soon
// as its goroutine runs, which can split a page into several queries on a
// busy machine; 1 ms still gathers a page into one query.
const loaderWait = time.Millisecond

type loadersKey struct{}

// LoaderMiddleware gives every response its own Loaders (install with
// handler.AroundResponses): a query or mutation has one response, a
// subscription one per event. So a subscription's events read what is
// current when each is delivered (a renamed user, an amended label), and
// its caches hold one event's ids, not every id it met in its lifetime.
func LoaderMiddleware(svc *activelearning.Service) graphql.ResponseMiddleware {
	return func(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
		return next(WithLoaders(ctx, NewLoaders(svc)))
	}
}

// WithLoaders returns ctx carrying l.
func WithLoaders(ctx context.Context, l *Loaders) context.Context {
	return context.WithValue(ctx, loadersKey{}, l)
}

func (r *Resolver) loaders(ctx context.Context) *Loaders {
	if l, ok := ctx.Value(loadersKey{}).(*Loaders); ok {
		return l
	}
	return NewLoaders(r.Svc) // outside an operation (tests): unbatched
}

// loadCompound returns a compound by id; a missing one is store.ErrNotFound.
func (r *Resolver) loadCompound(ctx context.Context, id store.ID) (*store.Compound, error) {
	c, err := r.loaders(ctx).Compounds.Load(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("compound %d: %w", id, notFoundIfMissing(err))
	}
	return c, nil
}

// primeCompounds puts compounds read with something else (a queue page's)
// into the Compounds loader, so resolving them costs no query.
func (r *Resolver) primeCompounds(ctx context.Context, cs map[store.ID]*store.Compound) {
	l := r.loaders(ctx).Compounds
	for id, c := range cs {
		l.Prime(id, c)
	}
}

// loadDescriptors returns a compound's descriptors: those it carries, else
// (a compound the Compounds loader read without them) through the
// Descriptors loader; nil when none were computed.
func (r *Resolver) loadDescriptors(ctx context.Context, c *store.Compound) (json.RawMessage, error) {
	if c.Descriptors != nil {
		return c.Descriptors, nil
	}
	d, err := r.loaders(ctx).Descriptors.Load(ctx, c.ID)
	if errors.Is(err, dataloadgen.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("descriptors of compound %d: %w", c.ID, err)
	}
	return d, nil
}

// loadUser returns the user with id, or nil for a nil id.
func (r *Resolver) loadUser(ctx context.Context, id *store.ID) (*store.User, error) {
	if id == nil {
		return nil, nil
	}
	u, err := r.loaders(ctx).Users.Load(ctx, *id)
	if err != nil {
		return nil, fmt.Errorf("user %d: %w", *id, notFoundIfMissing(err))
	}
	return u, nil
}

// loadHistory returns a queue item's label history, oldest first.
func (r *Resolver) loadHistory(ctx context.Context, itemID store.ID) ([]*store.LabelChange, error) {
	return r.loaders(ctx).History.Load(ctx, itemID)
}

// notFoundIfMissing turns dataloadgen's missing-key error into ErrNotFound.
func notFoundIfMissing(err error) error {
	if errors.Is(err, dataloadgen.ErrNotFound) {
		return store.ErrNotFound
	}
	return err
}
