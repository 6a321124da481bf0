package workload

import (
	"errors"
	"math"
	"testing"

	"github.com/cdnsim/cdnsim/sim"
)

// reqList is a Source over a fixed list of requests.
type reqList struct {
	reqs []Request
	i    int
}

func (l *reqList) Next(r *Request) bool {
	if l.i == len(l.reqs) {
		return false
	}
	*r = l.reqs[l.i]
	l.i++
	return true
}

// rangeInput is n GETs of class 0 for objects of 10 MB, one per
// millisecond, then a HEAD and a request of class 1.
func rangeInput(n int) []Request {
	var in []Request
	for i := range n {
		in = append(in, Request{Time: sim.Time(i) * sim.Millisecond, Object: uint64(i % 97), Size: 10 << 20})
	}
	in = append(in, Request{Time: sim.Time(n) * sim.Millisecond, Object: 1, Size: 10 << 20, Method: HEAD},
		Request{Time: sim.Time(n) * sim.Millisecond, Object: 2, Size: 10 << 20, Class: 1})
	return in
}

func TestRangesNoneIsTheSource(t *testing.T) {
	src := &reqList{}
	if NewRanges(src, []Class{{Name: "a"}, {Name: "b", RangeParts: 4}}, 1) != Source(src) {
		t.Fatal("no class asks for ranges, but the source was wrapped")
	}
}

// TestRangesShares checks each share against its binomial expectation
// (within 5 standard deviations), the seek offsets' and stop lengths'
// uniform means, and that parallel parts tile their request exactly.
func TestRangesShares(t *testing.T) {
	const n = 40000
	const size = 10 << 20
	cl := Class{RangeSeekShare: 0.3, RangeStopShare: 0.5, RangeParallelShare: 0.2, RangeParts: 4}
	out := collect(t, NewRanges(&reqList{reqs: rangeInput(n)}, []Class{cl, {}}, 7))
	// The HEAD and the class without ranges come through whole.
	for _, r := range out[len(out)-2:] {
		if r.Ranged() {
			t.Errorf("%+v: got a range", r)
		}
	}
	out = out[:len(out)-2]
	var seeks, stops, parallel int
	var seekSum, stopSum float64
	for i := 0; i < len(out); {
		r := out[i]
		k := 1
		for i+k < len(out) && out[i+k].Time == r.Time {
			k++
		}
		start, end := r.RangeStart, out[i+k-1].RangeEnd
		if !r.Ranged() {
			start, end = 0, size
		}
		if k > 1 {
			if k != 4 {
				t.Fatalf("a parallel download in %d parts, want 4", k)
			}
			parallel++
			for j := 1; j < k; j++ {
				p, q := out[i+j-1], out[i+j]
				if q.RangeStart != p.RangeEnd || q.Object != r.Object || q.Length() != r.Length() && j < k-1 {
					t.Fatalf("parts do not tile: %+v then %+v", p, q)
				}
			}
		}
		if start > 0 {
			seeks++
			seekSum += float64(start) / size
		}
		if end < size {
			stops++
			stopSum += float64(end-start) / float64(size-start)
		}
		if start < 0 || end > size || end <= start {
			t.Fatalf("range [%d, %d) of a %d-byte object", start, end, size)
		}
		i += k
	}
	within := func(name string, got int, p float64) {
		if sd := math.Sqrt(n * p * (1 - p)); math.Abs(float64(got)-n*p) > 5*sd {
			t.Errorf("%s: %d of %d, want %.0f ± %.0f", name, got, n, n*p, 5*sd)
		}
	}
	within("seeks", seeks, 0.3)
	within("stops", stops, 0.5)
	within("parallel", parallel, 0.2)
	// Uniform means: 1/2 ± 5 sd (sd of a uniform mean: 1/sqrt(12 k)).
	for _, m := range []struct {
		name string
		sum  float64
		k    int
	}{{"seek offset", seekSum, seeks}, {"stop share", stopSum, stops}} {
		if mean := m.sum / float64(m.k); math.Abs(mean-0.5) > 5/math.Sqrt(12*float64(m.k)) {
			t.Errorf("%s: mean %.4f, want 0.5", m.name, mean)
		}
	}
}

// TestRangesCounterBased: a request's range depends on the request only,
// not on which other requests the stream holds (sampling keeps a subset).
func TestRangesCounterBased(t *testing.T) {
	cl := []Class{{RangeSeekShare: 0.5, RangeStopShare: 0.5, RangeParallelShare: 0.3, RangeParts: 3}}
	in := rangeInput(3000)
	all := collect(t, NewRanges(&reqList{reqs: in}, cl, 11))
	var odd []Request
	for _, r := range in {
		if r.Object%2 == 1 {
			odd = append(odd, r)
		}
	}
	sub := collect(t, NewRanges(&reqList{reqs: odd}, cl, 11))
	var want []Request
	for _, r := range all {
		if r.Object%2 == 1 {
			want = append(want, r)
		}
	}
	if len(sub) != len(want) {
		t.Fatalf("subset: %d requests, want %d", len(sub), len(want))
	}
	for i := range sub {
		if sub[i] != want[i] {
			t.Fatalf("request %d: %+v in the subset, %+v in the whole", i, sub[i], want[i])
		}
	}
	other := collect(t, NewRanges(&reqList{reqs: in}, cl, 12))
	same := 0
	for i := range min(len(other), len(all)) {
		if other[i] == all[i] {
			same++
		}
	}
	if same == len(all) {
		t.Error("another seed drew the same ranges")
	}
}

func TestRangesAllocs(t *testing.T) {
	cl := []Class{{RangeSeekShare: 0.5, RangeParallelShare: 0.5, RangeParts: 4}}
	in := rangeInput(1000)
	src := &reqList{reqs: in}
	rs := NewRanges(src, cl, 1)
	var r Request
	if a := testing.AllocsPerRun(100, func() {
		if !rs.Next(&r) {
			src.i = 0
		}
	}); a != 0 {
		t.Errorf("%v allocations per request", a)
	}
}

func TestRangeKeysValidated(t *testing.T) {
	for _, c := range []struct {
		mut func(*Class)
		key string
	}{
		{func(c *Class) { c.RangeSeekShare = -0.1 }, "classes[0].range_seek_share"},
		{func(c *Class) { c.RangeStopShare = 1.5 }, "classes[0].range_stop_share"},
		{func(c *Class) { c.RangeParallelShare = math.NaN() }, "classes[0].range_parallel_share"},
		{func(c *Class) { c.RangeParallelShare = 0.5 }, "classes[0].range_parts"},
		{func(c *Class) { c.RangeParts = 1 }, "classes[0].range_parts"},
		{func(c *Class) { c.RangeParts = MaxRangeParts + 1 }, "classes[0].range_parts"},
	} {
		cfg := NewsSpikeExample()
		c.mut(&cfg.Classes[0])
		err := cfg.Validate()
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Key != c.key {
			t.Errorf("want an error at %s, got %v", c.key, err)
		}
	}
}

// TestRangeFactorsAreWhatRangesMakeOfARequest: the requests and bytes
// that Ranges makes of a stream, per request in, on average: by hand,
// with 80% GETs, 1 + 0.8·0.2·3 = 1.48 requests and 0.2 + 0.8·(1 −
// 0.05/2)(1 − 0.1/2) = 0.941 of the bytes; and measured over 40,000
// requests, within 1%.
func TestRangeFactorsAreWhatRangesMakeOfARequest(t *testing.T) {
	t.Parallel()
	cl := Class{RangeSeekShare: 0.05, RangeStopShare: 0.1, RangeParallelShare: 0.2, RangeParts: 4}
	perReq, perByte := rangeFactors(cl, 0.8)
	if math.Abs(perReq-1.48) > 1e-12 || math.Abs(perByte-0.941) > 1e-12 {
		t.Fatalf("factors %v %v, want 1.48 0.941", perReq, perByte)
	}
	in := rangeInput(40000)[:40000]
	for i := range in {
		if i%5 == 0 {
			in[i].Method = POST
		}
	}
	var n, bytes float64
	for _, r := range collect(t, NewRanges(&reqList{reqs: in}, []Class{cl}, 3)) {
		n++
		if r.Ranged() {
			bytes += float64(r.RangeEnd - r.RangeStart)
		} else {
			bytes += float64(r.Size)
		}
	}
	if got := n / 40000; math.Abs(got-perReq) > 0.01*perReq {
		t.Errorf("%.4f requests a request, want %.4f", got, perReq)
	}
	if got := bytes / (40000 * 10 << 20); math.Abs(got-perByte) > 0.01*perByte {
		t.Errorf("%.4f of the bytes, want %.4f", got, perByte)
	}
	if r, b := rangeFactors(Class{}, 1); r != 1 || b != 1 {
		t.Errorf("a class without ranges: %v %v, want 1 1", r, b)
	}
}

// TestRangesKeepsASourcesOwnRange: a request that is a range already (a
// trace's) passes through as it is, even where its class draws ranges for
// every request; the whole-object requests around it are drawn as before.
func TestRangesKeepsASourcesOwnRange(t *testing.T) {
	t.Parallel()
	classes := []Class{{Name: "a", RangeSeekShare: 1}}
	in := []Request{
		{Time: 0, Object: 1, Size: 1000},
		{Time: 1, Object: 1, Size: 1000, RangeStart: 10, RangeEnd: 20},
		{Time: 2, Object: 2, Size: 1000},
	}
	src := NewRanges(&reqList{reqs: in}, classes, 3)
	var got []Request
	var r Request
	for src.Next(&r) {
		got = append(got, r)
	}
	if len(got) != 3 || got[1] != in[1] {
		t.Fatalf("got %+v; want the second request unchanged", got)
	}
	for _, i := range []int{0, 2} {
		if !got[i].Ranged() || got[i].RangeStart == 0 || got[i].RangeEnd != 1000 {
			t.Errorf("request %d: [%d, %d), want a seek to a drawn byte > 0 to the end", i, got[i].RangeStart, got[i].RangeEnd)
		}
	}
}
