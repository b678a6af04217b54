package predictio_test

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"activelab/activelearning"
	"activelab/activelearning/predictio"
)

// FuzzReadWrite: any input either fails to open or reads to its end (or a
// final error) without panicking, and every record read is written back
// as CSV, SDF and JSON lines, one output record per input record (the SDF
// back through the reader gives as many records).
func FuzzReadWrite(f *testing.F) {
	f.Add([]byte("id;smiles\nA;CCO\nB;C1CC\n"), uint8(0))
	f.Add([]byte(sdfIn), uint8(1))
	f.Add([]byte("CCO ethanol\n\n c1ccccc1\tbenzene\n"), uint8(2))
	f.Add([]byte("x\n  0  0\n> <a>\n\n$$$$\n$$$$\n"), uint8(1))
	f.Fuzz(func(t *testing.T, data []byte, which uint8) {
		format := []predictio.Format{predictio.CSV, predictio.SDF, predictio.SMI}[int(which)%3]
		r, err := predictio.Open(bytes.NewReader(data), format, "")
		if err != nil {
			return
		}
		var recs []*predictio.Record
		for {
			rec, err := r.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return
			}
			recs = append(recs, rec)
		}
		for _, out := range []predictio.Format{predictio.CSV, predictio.SDF, predictio.JSONL} {
			var b bytes.Buffer
			w, err := predictio.NewWriter(&b, out, r.Header())
			if err != nil {
				t.Fatal(err)
			}
			for _, rec := range recs {
				res := &activelearning.PredictResult{SMILES: rec.SMILES, Version: 1, Err: errors.New("not scored")}
				if err := w.Write(rec, res); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.Flush(); err != nil {
				t.Fatal(err)
			}
			if out == predictio.SDF {
				back, err := predictio.Open(bytes.NewReader(b.Bytes()), predictio.SDF, "")
				if err != nil {
					t.Fatal(err)
				}
				n := 0
				for {
					_, err := back.Next()
					if errors.Is(err, io.EOF) {
						break
					}
					if err != nil {
						t.Fatalf("SDF written back: %v", err)
					}
					n++
				}
				if n != len(recs) {
					t.Fatalf("%d records in, %d in the SDF written:\n%s", len(recs), n, b.String())
				}
			}
			if out == predictio.JSONL && len(recs) > 0 && strings.Count(b.String(), "\n") != len(recs) {
				t.Fatalf("%d records, %d JSON lines", len(recs), strings.Count(b.String(), "\n"))
			}
		}
	})
}
