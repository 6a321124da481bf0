package workload

import (
	"math"
	"testing"
)

// TestAClassKeptAboveTheSampleRateIsThinnedBackToIt: a sample at R = 0.1
// that keeps the articles (a decay class with a story of 50 objects) at
// 0.5 emits every request of the articles it keeps at 0.5, marks all but
// R/R_c = 0.2 of them ghosts by a hash, counts each for 0.2 of a request
// in its tally, and leaves the other classes' requests as a plain sample at R
// emits them.
func TestAClassKeptAboveTheSampleRateIsThinnedBackToIt(t *testing.T) {
	t.Parallel()
	const seed, r, rc = 4, 0.1, 0.5
	cfg := sampleConfig()
	const articles = 1
	if cfg.Classes[articles].Name != "articles" {
		t.Fatalf("class 1 is %q", cfg.Classes[articles].Name)
	}
	s, _ := SampleSlice(r)
	plain := mustNew(t, cfg, seed)
	plain.SetSlice(s)
	plainReqs := collect(t, plain)

	g := mustNew(t, cfg, seed)
	g.SetClassRates([]float64{r, rc, 0.05}) // the api's 0.05 is below R: R
	g.SetSlice(s)
	got := collect(t, g)

	// The other classes: as the plain sample's, and no ghost among them.
	var others, plainOthers []Request
	for _, q := range got {
		if q.Class != articles {
			if q.Ghost {
				t.Fatalf("%+v: a ghost of a class kept at R", q)
			}
			others = append(others, q)
		}
	}
	for _, q := range plainReqs {
		if q.Class != articles {
			plainOthers = append(plainOthers, q)
		}
	}
	sameRequests(t, "classes kept at R", others, plainOthers)

	// The articles: exactly the whole stream's requests of the objects kept.
	full := collect(t, mustNew(t, cfg, seed))
	var want []Request
	bornAll, bornKept := map[uint64]bool{}, map[uint64]bool{}
	for _, q := range full {
		if q.Class == articles {
			if q.Object >= g.bornBase {
				bornAll[q.Object] = true
			}
			if g.Keeps(q.Object) {
				want = append(want, q)
				if q.Object >= g.bornBase {
					bornKept[q.Object] = true
				}
			}
		}
	}
	var articlesGot []Request
	var counted, bytes float64
	for _, q := range got {
		if q.Class == articles {
			if !q.Ghost {
				counted++
			}
			bytes += float64(q.Size)
			q.Ghost = false
			articlesGot = append(articlesGot, q)
		}
	}
	sameRequests(t, "articles", articlesGot, want)
	// Kept at 0.5: one birth in every two (of those with requests in the
	// day, a few births more or less at the edges of the ranking).
	if k, n := float64(len(bornKept)), float64(len(bornAll)); n < 200 || math.Abs(k-rc*n) > 0.02*n {
		t.Errorf("%.0f of %.0f born articles kept, want about %.0f", k, n, rc*n)
	}
	// Counted: a share R/R_c = 0.2 of them, each by its own hash: 5σ.
	n, share := float64(len(articlesGot)), r/rc
	if n < 2000 || !withinSigmas(counted, share*n, math.Sqrt(n*share*(1-share)), 5) {
		t.Errorf("%.0f of %.0f article requests counted, want %.0f", counted, n, share*n)
	}
	// The tally counts each for R/R_c of a request, and nothing of the
	// others changed.
	tal, plainTal := g.SampleTally(), plain.SampleTally()
	if c := tal[articles]; math.Abs(c.KeptRequests-share*n) > 1e-6*n || math.Abs(c.KeptBytes-share*bytes) > 1e-6*bytes {
		t.Errorf("tally of the articles: kept %v requests and %v bytes, want %v and %v", c.KeptRequests, c.KeptBytes, share*n, share*bytes)
	}
	for c := range tal {
		if c != articles && tal[c] != plainTal[c] {
			t.Errorf("class %d's tally is %+v, the plain sample's %+v", c, tal[c], plainTal[c])
		}
	}
	// That is about R of the whole stream.
	if c := tal[articles]; math.Abs(c.KeptRequests/(r*c.FullRequests)-1) > 0.15 {
		t.Errorf("the articles' counted requests are %.3f of the whole stream's, want about %v", c.KeptRequests/c.FullRequests, r)
	}
}
