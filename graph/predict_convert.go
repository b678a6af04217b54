package graph

import (
	"activelab/activelearning"
	"activelab/graph/model"
)

// predictions converts the service's results: scores are null on a row
// with an error, the probability null when the model has none. Each
// keeps its row (Result) for interval(level).
func predictions(res []activelearning.PredictResult) []*model.Prediction {
	out := make([]*model.Prediction, len(res))
	for i := range res {
		r := &res[i]
		p := &model.Prediction{Smiles: r.SMILES, ModelVersion: r.Version, Result: r}
		out[i] = p
		if r.Err != nil {
			msg := r.Err.Error()
			p.Error = &msg
			continue
		}
		p.Prediction, p.Uncertainty = &r.Prediction, &r.Uncertainty
		p.ApplicabilityDistance, p.Similarity = &r.ApplicabilityDistance, &r.Similarity
		p.NearestCompoundID, p.NearestSmiles = &r.NearestID, &r.NearestSMILES
		if r.HasProbability {
			p.Probability = &r.Probability
		}
	}
	return out
}
