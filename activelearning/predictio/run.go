package predictio

import (
	"context"
	"errors"
	"io"

	"activelab/activelearning"
)

// Run scores every record of r with p and writes it to w, in input order,
// activelearning.PredictChunk records at a time (memory stays constant),
// then flushes w. It tells w the model's classes (Writer.SetClasses)
// before writing. It returns the number of records written and how many
// of them carry an error.
func Run(ctx context.Context, p *activelearning.Predictor, r *Reader, w *Writer) (rows, failed int, err error) {
	w.SetClasses(p.Model().ClassList())
	recs := make([]*Record, 0, activelearning.PredictChunk)
	smiles := make([]string, 0, activelearning.PredictChunk)
	flush := func() error {
		if len(recs) == 0 {
			return nil
		}
		res, err := p.Predict(ctx, smiles)
		if err != nil {
			return err
		}
		w.Prepare(recs, res)
		for i, rec := range recs {
			if rec.Err != nil || res[i].Err != nil {
				failed++
			}
			if err := w.Write(rec, &res[i]); err != nil {
				return err
			}
			rows++
		}
		recs, smiles = recs[:0], smiles[:0]
		return nil
	}
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return rows, failed, err
		}
		recs = append(recs, rec)
		smiles = append(smiles, rec.SMILES)
		if len(recs) == activelearning.PredictChunk {
			if err := flush(); err != nil {
				return rows, failed, err
			}
		}
	}
	if err := flush(); err != nil {
		return rows, failed, err
	}
	return rows, failed, w.Flush()
}
