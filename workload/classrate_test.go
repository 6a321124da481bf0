package workload

import (
	"math"
	"slices"
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

// TestAHeadKeptInPartsKeepsEachPartsMemberForLess: of a Zipf head of 20
// ranks at α = 0.8 kept in two parts, the members are rank 4 (nearest
// the mean of ranks 1–10, as of a head of ten) and rank 15 (of 11–20:
// mean weight 0.1145, rank 15's 0.1147); in ten parts of a head of 100 at
// α = 0.9, ranks 4, 15, 25, …, 95. A generator at R = 0.05 that keeps the
// web class's head of 20 in two parts keeps ranks 4 and 15 and no other
// of the 20; their requests carry the head weight and half of them are
// ghosts, each counted for half of one of the class's requests in the
// tally; the api class keeps the objects it kept.
func TestAHeadKeptInPartsKeepsEachPartsMemberForLess(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		m     uint64
		parts int
		alpha float64
		want  []uint64
	}{
		{20, 2, 0.8, []uint64{4, 15}},
		{20, 1, 0.8, []uint64{6}},
		{100, 10, 0.9, []uint64{4, 15, 25, 35, 45, 55, 65, 75, 85, 95}},
		{10, 10, 0.8, []uint64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}},
	} {
		z, _ := NewZipf(1000, tc.alpha)
		h := chooseHead(1/float64(tc.m), tc.parts, 1000, func(k uint64) float64 { return z.h(float64(k)) })
		if h.m != tc.m || !slices.Equal(h.keep, tc.want) {
			t.Errorf("head of %d in %d parts at α = %v: %d, %v; want %v", tc.m, tc.parts, tc.alpha, h.m, h.keep, tc.want)
		}
	}

	const seed, r = 3, 0.05
	cfg := keptConfig()
	s, _ := SampleSlice(r)
	plain := mustNew(t, cfg, seed)
	plain.SetSlice(s)
	g := mustNew(t, cfg, seed)
	g.SetHeadParts([]int{2, 1}, []uint16{1, 2}) // units of half a request
	g.SetSlice(s)
	for k := uint64(1); k <= 20; k++ {
		if want := k == 4 || k == 15; g.Keeps(k-1) != want {
			t.Errorf("web rank %d kept: %v, want %v", k, !want, want)
		}
	}
	var n, ghosts float64
	var api []Request
	for _, q := range collect(t, g) {
		switch {
		case q.Class == 1:
			if q.Weight != 0 || q.Ghost {
				t.Fatalf("api request %+v: a weight or a ghost", q)
			}
			api = append(api, q)
		case q.Object == 3 || q.Object == 14:
			if q.Weight != 1 {
				t.Fatalf("head member's request %+v: weight %d, want 1", q, q.Weight)
			}
			n++
			if q.Ghost {
				ghosts++
			}
		case q.Weight != 0 || q.Ghost:
			t.Fatalf("web request %+v outside the head: a weight or a ghost", q)
		}
	}
	if n < 1000 || !withinSigmas(ghosts, n/2, math.Sqrt(n/4), 5) {
		t.Errorf("%.0f of %.0f requests of the head's members are ghosts, want half", ghosts, n)
	}
	// The api class keeps the objects the plain sample keeps (its
	// requests are another draw of the same process: the Zipf classes
	// share one arrival process, whose kept ranks changed).
	for obj := uint64(6000); obj < 6400; obj++ {
		if g.Keeps(obj) != plain.Keeps(obj) {
			t.Fatalf("api object %d kept: %v, by the plain sample: %v", obj, g.Keeps(obj), plain.Keeps(obj))
		}
	}
	if len(api) < 1000 {
		t.Errorf("%d api requests: too few", len(api))
	}
	// The tally counts the web class's requests, each of the head's for
	// a half: about R of the whole stream's.
	if c := g.SampleTally()[0]; math.Abs(c.KeptRequests/(r*c.FullRequests)-1) > 0.1 {
		t.Errorf("web: %.0f requests counted, %.3f of the whole stream's, want about %v", c.KeptRequests, c.KeptRequests/c.FullRequests, r)
	}
}
