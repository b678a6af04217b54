package activelearning

import (
	"context"
	"encoding/json"
	"fmt"

	"activelab/activelearning/selfcheck"
	"activelab/ml/sampling"
	"activelab/store"
)

// AdaptiveShare is the explore share the adaptive strategy
// (selfcheck.Adaptive, also the product's default) plays in the lineage's
// next cycle: a
// selfcheck.Policy, Thompson sampling over the batch compositions
// selfcheck.DefaultShares (0.25, 0.5, 0.75 of the batch at random, or a
// random batch), whose posteriors are fed by the diagnoses of the
// lineage's cycles so far. Every cycle whose batch was one of the arms
// counts: an adaptive (or default) cycle, and a cycle of the fixed mix too
// (sampling.Mix is AdaptiveBase with explore=0.5, the arm 0.5), each
// observed through
// CycleDiagnoses of its labels as they are now. Random batches (share 1)
// earn 0 by definition, so when the strategy's picks are no harder than
// random ones by the policy's margin the exploit arms settle below 0 and
// the share moves to 1.
//
// Nothing is stored: the policy is rebuilt from the cycles each time, with
// the seed given and one step per earlier adaptive or default cycle, so the same
// history and seed give the same share (a preview and the selection that
// follows it agree unless a label arrived in between).
func (s *Service) AdaptiveShare(ctx context.Context, lineageID store.ID, seed int64) (float64, error) {
	pol, err := s.AdaptivePolicy(ctx, lineageID, seed)
	if err != nil {
		return 0, err
	}
	return pol.Choose(), nil
}

// AdaptivePolicy rebuilds the lineage's adaptive policy from its cycles as
// AdaptiveShare does, without choosing: each arm's posterior, how often
// adaptive cycles played it and how many diagnoses updated it.
func (s *Service) AdaptivePolicy(ctx context.Context, lineageID store.ID, seed int64) (*selfcheck.Policy, error) {
	pol, err := selfcheck.NewPolicy(nil, 0, uint64(seed))
	if err != nil {
		return nil, err
	}
	cycles, err := s.st.CyclesByLineage(ctx, lineageID)
	if err != nil {
		return nil, fmt.Errorf("adaptive share: %w", err)
	}
	ids := make([]store.ID, len(cycles))
	for i, c := range cycles {
		ids[i] = c.ID
	}
	diags, err := s.CycleDiagnoses(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("adaptive share: %w", err)
	}
	for _, c := range cycles {
		var p selParams
		// An adaptive cycle records the share it played (> 0); a cycle
		// that asked for "default" before the default became adaptive
		// played the fixed mix and recorded none.
		if len(c.Params) > 0 && json.Unmarshal(c.Params, &p) == nil && selfcheck.IsAdaptive(p.Strategy) && p.Share > 0 {
			pol.Step++ // one Choose per adaptive cycle
			for i := range pol.Arms {
				if pol.Arms[i].Share == p.Share {
					pol.Arms[i].Played++
				}
			}
		}
		share, ok := armOf(c.SelectionStrategy)
		if d := diags[c.ID]; ok && d != nil {
			pol.Observe(share, d.Diagnostics)
		}
	}
	return pol, nil
}

// adaptiveSpec is the batch composition of an explore share: base with
// that share of random picks, or the plain random strategy for a share
// of 1.
func adaptiveSpec(base sampling.Spec, share float64) sampling.Spec {
	if share >= 1 {
		return sampling.Spec{Strategy: sampling.Random}
	}
	base.Explore = share
	return base
}

// armOf returns the explore share a cycle's batch played when its spec is
// one of the adaptive policy's compositions: selfcheck.AdaptiveBase with
// an explore share, or the random strategy (share 1).
func armOf(spec string) (float64, bool) {
	sp, err := sampling.ParseSpec(spec)
	if err != nil {
		return 0, false
	}
	if sp.Strategy == sampling.Random && sp.BatchMode() == "" {
		return 1, true
	}
	base, err := sampling.ParseSpec(selfcheck.AdaptiveBase)
	if err != nil {
		return 0, false
	}
	share := sp.Explore
	sp.Explore = 0
	if sp != base || share == 0 {
		return 0, false
	}
	return share, true
}
