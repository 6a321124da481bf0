package cache

// Agreement with the reference simulator, libCacheSim (issues #3 and #9).
//
// Every count in agreementRefs, agreementLHD and agreementRandom was
// measured, not derived, by libCacheSim's cachesim at
//
//	libCacheSim commit aa0fc40914b2b786f4b9f4dafb099f8f332b216a
//	(develop, 2024-10-07), cmake -DCMAKE_BUILD_TYPE=Release, whose two
//	result lines (bin/cachesim/main.c and sim.c) were patched to also
//	print the miss count (printing only)
//
// with, for every row, one capacity per run,
//
//	cachesim FILE.oracleGeneral.bin oracleGeneral ALGO CAPACITY --ignore-obj-size M -v 0
//
// where FILE is the row's trace file (agreementTraces), ALGO the policy's
// libCacheSim name (twoq for 2q, wtinyLFU for wtinylfu, the others, gdsf,
// lhd and random included, the same), CAPACITY the integer in the row (a
// fraction of the working set, truncated, as cachesim and replay both do)
// and M is 1 in object mode and 0 in byte mode. The "s3fifo" rows are cachesim's default S3-FIFO
// (move-to-main threshold 2, like cdnsim's s3fifo); the "s3fifo-1" rows add
// `-e move-to-main-threshold=1`, the paper's wording, like cdnsim's s3fifo-1.
// The wtinyLFU rows are checked against both wtinylfu (4-bit count-min
// sketch, the design) and wtinylfu-cbf (libCacheSim's estimator). The
// lhd and random rows are 12 runs of each command (cachesim seeds its
// random stream from the clock); the random rows also come from a second
// build with one change to Random's draw (see agreementRandom).
// For example:
//
//	cachesim zipfsize.oracleGeneral.bin oracleGeneral gdsf 4706156 --ignore-obj-size 0 -v 0
//	cachesim decay.oracleGeneral.bin oracleGeneral s3fifo 194 --ignore-obj-size 1 -v 0 -e move-to-main-threshold=1
//	cachesim decay.oracleGeneral.bin oracleGeneral random 4813858 --ignore-obj-size 0 -v 0
//
// The trace files are zipfTrace and decayTrace's output in libCacheSim's
// oracleGeneral format (24-byte little-endian records {uint32 time, uint64
// id, uint32 size, int64 next_access_vtime}, the last the 1-based index of
// the next request to the object, -1 for none).
//
//	CDNSIM_AGREEMENT_TRACES=DIR go test -run TestAgreementTraceDigests ./topology/cache/
//
// writes them to DIR; TestAgreementTraceDigests pins their SHA-256, so the
// generators cannot drift from the traces the counts belong to.

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// agreementData is a trace as replay decodes it, with its working set.
type agreementData struct {
	reqs             []Request
	objects, wsBytes int64
}

// agreementLoader generates a trace once, with Next as the oracleGeneral
// file records it.
func agreementLoader(gen func() []Request) func() *agreementData {
	return sync.OnceValue(func() *agreementData {
		d := &agreementData{reqs: gen()}
		fillNext(d.reqs, false)
		seen := map[ObjectID]bool{}
		for i, r := range d.reqs {
			if r.Next != Never {
				d.reqs[i].Next++ // 1-based, as in the file
			}
			if !seen[r.ID] {
				seen[r.ID] = true
				d.wsBytes += r.Size
			}
		}
		d.objects = int64(len(seen))
		return d
	})
}

// agreementTrace is one reference trace in one mode.
type agreementTrace struct {
	file       string // FILE.oracleGeneral.bin in the cachesim command
	ignoreSize bool
	load       func() *agreementData
	digest     string // SHA-256 of the file
	long       bool   // skipped with -short
}

var (
	agreementDecayLoad = agreementLoader(func() []Request { return decayTrace(20_000, 200_000, 0.8, 100, 42) })
	// agreementTraces: 200,000 requests over 20,000 objects, Zipf 0.8,
	// seed 42.
	agreementTraces = map[string]agreementTrace{
		"zipf": {"zipf", true, agreementLoader(func() []Request { return zipfTrace(20_000, 200_000, 0.8, false, 42) }),
			"49f9b84c1a152088ffb72b89da528e8b2bfb371e76fdf60eddd411f8d2baef8e", false},
		"zipfsize": {"zipfsize", false, agreementLoader(func() []Request { return zipfTrace(20_000, 200_000, 0.8, true, 42) }),
			"f376287fe8b5165c28046c9595c8530a93b3928a8dba170363d9470b4328782e", false},
		"decay-obj":  {"decay", true, agreementDecayLoad, "b87071d356a1d3cd3be5a36a47634097d215c733d35575271d13c83db629cbcd", false},
		"decay-byte": {"decay", false, agreementDecayLoad, "b87071d356a1d3cd3be5a36a47634097d215c733d35575271d13c83db629cbcd", false},
		// Larger: 2,000,000 requests (1,000,000 sized) over 200,000
		// objects, Zipf 0.8 and 1.0, seed 42.
		"zipf-200k": {"zipf-200k", true, agreementLoader(func() []Request { return zipfTrace(200_000, 2_000_000, 0.8, false, 42) }),
			"ba21c0b7befbf36f2c382b5644d6f94489dd35f5dc86b74bd0bce6b1783da34c", true},
		"zipf1-200k": {"zipf1-200k", true, agreementLoader(func() []Request { return zipfTrace(200_000, 2_000_000, 1.0, false, 42) }),
			"78176707135c3c80c0a08fb4c5a760a4c600f56d0656f97b798aa09abcd16441", true},
		"zipfsize-200k": {"zipfsize-200k", false, agreementLoader(func() []Request { return zipfTrace(200_000, 1_000_000, 0.8, true, 42) }),
			"097d7c00cdd961964d0e75924077d7c4108455fcf8f256d6f90e89ac43029e8e", true},
	}
)

// TestAgreementTraceDigests checks that the generators still draw, byte
// for byte, the files the reference counts were measured on, and writes
// them to $CDNSIM_AGREEMENT_TRACES if set. The 20,000-object traces'
// digests were taken from agreementZipf/agreementDecay in cmd/cdnsim,
// which drew the files of the first reference counts, before the shared
// generators replaced them; the 200,000-object traces' from the files
// their counts were measured on.
func TestAgreementTraceDigests(t *testing.T) {
	t.Parallel()
	dir := os.Getenv("CDNSIM_AGREEMENT_TRACES")
	done := map[string]bool{}
	for _, tr := range agreementTraces {
		if done[tr.file] || tr.long && testing.Short() && dir == "" {
			continue
		}
		done[tr.file] = true
		buf := appendOracleGeneral(nil, tr.load().reqs)
		sum := sha256.Sum256(buf)
		if got := hex.EncodeToString(sum[:]); got != tr.digest {
			t.Errorf("%s: digest %s, the reference trace's is %s", tr.file, got, tr.digest)
		}
		if dir != "" {
			if err := os.WriteFile(filepath.Join(dir, tr.file+".oracleGeneral.bin"), buf, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

type agreementRef struct {
	trace    string // agreementTraces
	policy   string // cdnsim's name
	frac     float64
	capacity int64 // what cachesim used: frac of the working set, truncated
	misses   int64 // what cachesim counted
}

var agreementRefs = []agreementRef{
	{"zipf", "s3fifo-1", 0.001, 19, 200000},
	{"zipf", "s3fifo-1", 0.01, 193, 142890},
	{"zipf", "s3fifo-1", 0.1, 1934, 95091},
	{"zipf", "lru", 0.001, 19, 192595},
	{"zipf", "lru", 0.01, 193, 165896},
	{"zipf", "lru", 0.1, 1934, 111571},
	{"zipf", "fifo", 0.001, 19, 193282},
	{"zipf", "fifo", 0.01, 193, 170712},
	{"zipf", "fifo", 0.1, 1934, 119812},
	{"zipf", "clock", 0.001, 19, 191950},
	{"zipf", "clock", 0.01, 193, 163920},
	{"zipf", "clock", 0.1, 1934, 109072},
	{"zipf", "sieve", 0.001, 19, 174940},
	{"zipf", "sieve", 0.01, 193, 143775},
	{"zipf", "sieve", 0.1, 1934, 96567},
	{"zipf", "belady", 0.001, 19, 163724},
	{"zipf", "belady", 0.01, 193, 123760},
	{"zipf", "belady", 0.1, 1934, 67160},
	{"zipf", "s3fifo", 0.001, 19, 200000},
	{"zipf", "s3fifo", 0.01, 193, 142802},
	{"zipf", "s3fifo", 0.1, 1934, 95266},
	{"zipf", "arc", 0.001, 19, 175052},
	{"zipf", "arc", 0.01, 193, 144159},
	{"zipf", "arc", 0.1, 1934, 97291},
	{"zipf", "2q", 0.001, 19, 176539},
	{"zipf", "2q", 0.01, 193, 146613},
	{"zipf", "2q", 0.1, 1934, 99275},
	{"zipf", "lfu", 0.001, 19, 176266},
	{"zipf", "lfu", 0.01, 193, 145614},
	{"zipf", "lfu", 0.1, 1934, 96682},
	{"zipf", "wtinylfu", 0.001, 19, 200000},
	{"zipf", "wtinylfu", 0.01, 193, 143953},
	{"zipf", "wtinylfu", 0.1, 1934, 93856},
	{"zipf", "gdsf", 0.001, 19, 183762},
	{"zipf", "gdsf", 0.01, 193, 155368},
	{"zipf", "gdsf", 0.1, 1934, 101432},
	{"zipfsize", "s3fifo-1", 0.001, 470615, 172033},
	{"zipfsize", "s3fifo-1", 0.01, 4706156, 141654},
	{"zipfsize", "s3fifo-1", 0.1, 47061567, 94966},
	{"zipfsize", "lru", 0.001, 470615, 192739},
	{"zipfsize", "lru", 0.01, 4706156, 166284},
	{"zipfsize", "lru", 0.1, 47061567, 111724},
	{"zipfsize", "fifo", 0.001, 470615, 193209},
	{"zipfsize", "fifo", 0.01, 4706156, 170825},
	{"zipfsize", "fifo", 0.1, 47061567, 119984},
	{"zipfsize", "clock", 0.001, 470615, 192348},
	{"zipfsize", "clock", 0.01, 4706156, 164448},
	{"zipfsize", "clock", 0.1, 47061567, 109248},
	{"zipfsize", "sieve", 0.001, 470615, 187884},
	{"zipfsize", "sieve", 0.01, 4706156, 148433},
	{"zipfsize", "sieve", 0.1, 47061567, 95346},
	{"zipfsize", "belady", 0.001, 470615, 177127},
	{"zipfsize", "belady", 0.01, 4706156, 127561},
	{"zipfsize", "belady", 0.1, 47061567, 68138},
	{"zipfsize", "s3fifo", 0.001, 470615, 172128},
	{"zipfsize", "s3fifo", 0.01, 4706156, 141718},
	{"zipfsize", "s3fifo", 0.1, 47061567, 94975},
	{"zipfsize", "arc", 0.001, 470615, 190336},
	{"zipfsize", "arc", 0.01, 4706156, 146398},
	{"zipfsize", "arc", 0.1, 47061567, 96731},
	{"zipfsize", "2q", 0.001, 470615, 180757},
	{"zipfsize", "2q", 0.01, 4706156, 148672},
	{"zipfsize", "2q", 0.1, 47061567, 99467},
	{"zipfsize", "lfu", 0.001, 470615, 186028},
	{"zipfsize", "lfu", 0.01, 4706156, 144250},
	{"zipfsize", "lfu", 0.1, 47061567, 95829},
	{"zipfsize", "wtinylfu", 0.001, 470615, 173766},
	{"zipfsize", "wtinylfu", 0.01, 4706156, 138863},
	{"zipfsize", "wtinylfu", 0.1, 47061567, 87209},
	{"zipfsize", "gdsf", 0.001, 470615, 181973},
	{"zipfsize", "gdsf", 0.01, 4706156, 128474},
	{"zipfsize", "gdsf", 0.1, 47061567, 64397},
	{"decay-obj", "s3fifo-1", 0.001, 19, 200000},
	{"decay-obj", "s3fifo-1", 0.01, 194, 57237},
	{"decay-obj", "s3fifo-1", 0.1, 1940, 20899},
	{"decay-obj", "lru", 0.001, 19, 137700},
	{"decay-obj", "lru", 0.01, 194, 60420},
	{"decay-obj", "lru", 0.1, 1940, 19406},
	{"decay-obj", "fifo", 0.001, 19, 144289},
	{"decay-obj", "fifo", 0.01, 194, 68855},
	{"decay-obj", "fifo", 0.1, 1940, 19409},
	{"decay-obj", "clock", 0.001, 19, 135405},
	{"decay-obj", "clock", 0.01, 194, 58578},
	{"decay-obj", "clock", 0.1, 1940, 19443},
	{"decay-obj", "sieve", 0.001, 19, 121534},
	{"decay-obj", "sieve", 0.01, 194, 69888},
	{"decay-obj", "sieve", 0.1, 1940, 22342},
	{"decay-obj", "belady", 0.001, 19, 95935},
	{"decay-obj", "belady", 0.01, 194, 31463},
	{"decay-obj", "belady", 0.1, 1940, 19400},
	{"decay-obj", "s3fifo", 0.001, 19, 200000},
	{"decay-obj", "s3fifo", 0.01, 194, 58674},
	{"decay-obj", "s3fifo", 0.1, 1940, 22907},
	{"decay-obj", "arc", 0.001, 19, 121228},
	{"decay-obj", "arc", 0.01, 194, 58983},
	{"decay-obj", "arc", 0.1, 1940, 19506},
	{"decay-obj", "2q", 0.001, 19, 121764},
	{"decay-obj", "2q", 0.01, 194, 60198},
	{"decay-obj", "2q", 0.1, 1940, 19410},
	{"decay-obj", "lfu", 0.001, 19, 176071},
	{"decay-obj", "lfu", 0.01, 194, 160323},
	{"decay-obj", "lfu", 0.1, 1940, 126483},
	{"decay-obj", "wtinylfu", 0.001, 19, 200000},
	{"decay-obj", "wtinylfu", 0.01, 194, 68798},
	{"decay-obj", "wtinylfu", 0.1, 1940, 49868},
	{"decay-obj", "gdsf", 0.001, 19, 131931},
	{"decay-obj", "gdsf", 0.01, 194, 68254},
	{"decay-obj", "gdsf", 0.1, 1940, 20459},
	{"decay-byte", "s3fifo-1", 0.001, 481385, 102743},
	{"decay-byte", "s3fifo-1", 0.01, 4813858, 53288},
	{"decay-byte", "s3fifo-1", 0.1, 48138585, 20939},
	{"decay-byte", "lru", 0.001, 481385, 133409},
	{"decay-byte", "lru", 0.01, 4813858, 60374},
	{"decay-byte", "lru", 0.1, 48138585, 19407},
	{"decay-byte", "fifo", 0.001, 481385, 139208},
	{"decay-byte", "fifo", 0.01, 4813858, 68545},
	{"decay-byte", "fifo", 0.1, 48138585, 19411},
	{"decay-byte", "clock", 0.001, 481385, 131633},
	{"decay-byte", "clock", 0.01, 4813858, 58821},
	{"decay-byte", "clock", 0.1, 48138585, 19465},
	{"decay-byte", "sieve", 0.001, 481385, 121776},
	{"decay-byte", "sieve", 0.01, 4813858, 59755},
	{"decay-byte", "sieve", 0.1, 48138585, 21311},
	{"decay-byte", "belady", 0.001, 481385, 101623},
	{"decay-byte", "belady", 0.01, 4813858, 34376},
	{"decay-byte", "belady", 0.1, 48138585, 19400},
	{"decay-byte", "s3fifo", 0.001, 481385, 103091},
	{"decay-byte", "s3fifo", 0.01, 4813858, 55038},
	{"decay-byte", "s3fifo", 0.1, 48138585, 22941},
	{"decay-byte", "arc", 0.001, 481385, 123880},
	{"decay-byte", "arc", 0.01, 4813858, 61296},
	{"decay-byte", "arc", 0.1, 48138585, 32899},
	{"decay-byte", "2q", 0.001, 481385, 114737},
	{"decay-byte", "2q", 0.01, 4813858, 58499},
	{"decay-byte", "2q", 0.1, 48138585, 19411},
	{"decay-byte", "lfu", 0.001, 481385, 119608},
	{"decay-byte", "lfu", 0.01, 4813858, 91259},
	{"decay-byte", "lfu", 0.1, 48138585, 74116},
	{"decay-byte", "wtinylfu", 0.001, 481385, 143801},
	{"decay-byte", "wtinylfu", 0.01, 4813858, 59667},
	{"decay-byte", "wtinylfu", 0.1, 48138585, 33855},
	{"decay-byte", "gdsf", 0.001, 481385, 102819},
	{"decay-byte", "gdsf", 0.01, 4813858, 44690},
	{"decay-byte", "gdsf", 0.1, 48138585, 20857},
	// The larger traces, at 1% of the working set: they replace
	// TestMissRatioMatchesLibCacheSim's traces (drawn by a generator of
	// their own, whose 4-decimal figures this build reproduced except
	// wtinyLFU's, 0.6728 and 0.3760 where 0.6735 and 0.3761 were pinned).
	{"zipf-200k", "lru", 0.01, 1927, 1579241},
	{"zipf-200k", "s3fifo", 0.01, 1927, 1359871},
	{"zipf-200k", "s3fifo-1", 0.01, 1927, 1360306},
	{"zipf-200k", "arc", 0.01, 1927, 1370632},
	{"zipf-200k", "2q", 0.01, 1927, 1394811},
	{"zipf-200k", "wtinylfu", 0.01, 1927, 1365361},
	{"zipf-200k", "gdsf", 0.01, 1927, 1473397},
	{"zipf1-200k", "lru", 0.01, 1584, 977466},
	{"zipf1-200k", "s3fifo", 0.01, 1584, 796232},
	{"zipf1-200k", "s3fifo-1", 0.01, 1584, 796583},
	{"zipf1-200k", "arc", 0.01, 1584, 802308},
	{"zipf1-200k", "2q", 0.01, 1584, 827319},
	{"zipf1-200k", "wtinylfu", 0.01, 1584, 798061},
	{"zipf1-200k", "gdsf", 0.01, 1584, 866494},
	{"zipfsize-200k", "lru", 0.01, 42592229, 799023},
	{"zipfsize-200k", "s3fifo", 0.01, 42592229, 688576},
	{"zipfsize-200k", "s3fifo-1", 0.01, 42592229, 688461},
	{"zipfsize-200k", "arc", 0.01, 42592229, 694070},
	{"zipfsize-200k", "2q", 0.01, 42592229, 710186},
	{"zipfsize-200k", "wtinylfu", 0.01, 42592229, 678218},
	{"zipfsize-200k", "gdsf", 0.01, 42592229, 624278},
}

// agreementExact are the policies whose semantics match libCacheSim's
// exactly (s3fifo and s3fifo-1 against cachesim's s3fifo with the same
// move-to-main threshold): the miss counts must be equal. gdsf keeps
// H = L + freq/size where libCacheSim's GDSF.cpp keeps L + freq·10⁶/size:
// the same order, the same FIFO tie rule (time of the last update), and
// every count here equal. The others are held to the tolerance of
// 0.005 except for the agreementKnownGaps.
var agreementExact = map[string]bool{
	"lru": true, "fifo": true, "clock": true, "sieve": true, "belady": true,
	"arc": true, "2q": true, "lfu": true, "s3fifo": true, "s3fifo-1": true,
	"gdsf": true,
}

// agreementAlso runs a reference row's libCacheSim algorithm against more
// than one cdnsim policy.
var agreementAlso = map[string][]string{"wtinylfu": {"wtinylfu", "wtinylfu-cbf"}}

// agreementKnownGaps are the trace/policy pairs where cdnsim is known to
// miss the 0.005 tolerance: why, and the tolerance they are held to, just
// above the largest measured gap.
//
// wtinylfu counts with the design's 4-bit count-min sketch, halved every
// 10 × its population of adds; libCacheSim's WTinyLFU with a 32-bit
// counting Bloom filter (14.4 counters per entry, 10 hashes, entries =
// main's capacity in the cache's unit, so bytes in byte mode), halved every
// 32 × main-capacity hits in main, which in byte mode is never. Under IRM
// they differ by at most 0.0057 (zipfsize-200k, cdnsim missing less); when
// popularity decays, aging and the 4-bit ceiling decide which newcomers
// displace old favourites. wtinylfu-cbf, with libCacheSim's filter, agrees
// within 0.005 on every row (0.0029 at most).
var agreementKnownGaps = map[string]struct {
	why string
	tol float64
}{
	"decay-obj/wtinylfu":     {agreementSketchGap + " (measured -0.0043, +0.0146)", 0.02},
	"decay-byte/wtinylfu":    {agreementSketchGap + " (measured -0.0135, +0.0004, +0.0564)", 0.06},
	"zipfsize-200k/wtinylfu": {agreementSketchGap + " (measured -0.0057)", 0.007},
}

const agreementSketchGap = "frequency sketch: 4-bit count-min with frequent aging vs 32-bit counting Bloom filter with (in bytes) no aging; wtinylfu-cbf is the libCacheSim-equivalent"

// agreementDegenerate explains the rows where libCacheSim caches nothing at
// all (every request misses) and cdnsim deliberately does not follow.
func agreementDegenerate(ref agreementRef, requests int64) string {
	if ref.misses != requests {
		return ""
	}
	switch ref.policy {
	case "wtinylfu":
		return "libCacheSim's window is 1% of the capacity, truncated, and admits nothing larger than itself; cdnsim's window holds at least one object"
	case "s3fifo", "s3fifo-1":
		return "libCacheSim's small queue (10%, truncated) refuses an object as large as itself, i.e. everything when it holds one object; cdnsim admits it"
	}
	return ""
}

func TestAgreementWithLibCacheSim(t *testing.T) {
	t.Parallel()
	for _, ref := range agreementRefs {
		policies := agreementAlso[ref.policy]
		if policies == nil {
			policies = []string{ref.policy}
		}
		for _, policy := range policies {
			agreementRow(t, ref, policy)
		}
	}
}

// agreementRow replays one reference row's trace and capacity through
// policy and compares the misses.
func agreementRow(t *testing.T, ref agreementRef, policy string) {
	t.Run(fmt.Sprintf("%s/%s/%g", ref.trace, policy, ref.frac), func(t *testing.T) {
		t.Parallel()
		tr, d := agreementLoad(t, ref.trace, ref.frac, ref.capacity)
		misses := agreementMisses(t, d, policy, ref.capacity, tr.ignoreSize, nil)
		requests := int64(len(d.reqs))
		got, want := float64(misses)/float64(requests), float64(ref.misses)/float64(requests)
		switch {
		case agreementDegenerate(ref, requests) != "":
			t.Logf("libCacheSim misses everything here (%s); cdnsim %.6f", agreementDegenerate(ref, requests), got)
			if misses >= requests {
				t.Errorf("cdnsim cached nothing either")
			}
		case agreementExact[policy]:
			if misses != ref.misses {
				t.Errorf("%d misses (%.6f), libCacheSim %d (%.6f)", misses, got, ref.misses, want)
			}
		case agreementKnownGaps[ref.trace+"/"+policy].tol > 0:
			gap := agreementKnownGaps[ref.trace+"/"+policy]
			t.Logf("known gap (%s): cdnsim %.6f, libCacheSim %.6f, off by %+.6f", gap.why, got, want, got-want)
			if math.Abs(got-want) > gap.tol {
				t.Errorf("miss ratio %.6f, libCacheSim %.6f: off by %.6f > %g", got, want, got-want, gap.tol)
			}
		default:
			t.Logf("cdnsim %.6f, libCacheSim %.6f, off by %+.6f", got, want, got-want)
			if math.Abs(got-want) > 0.005 {
				t.Errorf("miss ratio %.6f, libCacheSim %.6f: off by %.6f > 0.005", got, want, got-want)
			}
		}
	})
}

// agreementLoad generates a row's trace and checks that frac of its
// working set is the capacity cachesim was given.
func agreementLoad(t *testing.T, trace string, frac float64, capacity int64) (agreementTrace, *agreementData) {
	t.Helper()
	tr := agreementTraces[trace]
	if tr.long && testing.Short() {
		t.Skip("long trace")
	}
	d := tr.load()
	ws := d.wsBytes
	if tr.ignoreSize {
		ws = d.objects
	}
	if c := max(1, int64(float64(ws)*frac)); c != capacity {
		t.Fatalf("%g of the working set is %d, cachesim used %d", frac, c, capacity)
	}
	return tr, d
}

// agreementMisses replays d through policy as replay does (seed 1, admit
// everything, the objects hint replay derives from the capacity) and
// counts the misses. setup, if not nil, adjusts the policy first.
func agreementMisses(t *testing.T, d *agreementData, policy string, capacity int64, ignoreSize bool, setup func(Policy)) int64 {
	t.Helper()
	hint := int(capacity)
	if !ignoreSize {
		hint = int(max(1, int64(float64(capacity)*float64(d.objects)/float64(d.wsBytes))))
	}
	p, err := NewPolicy(policy, Config{Capacity: capacity, Seed: 1, ObjectsHint: hint})
	if err != nil {
		t.Fatal(err)
	}
	if setup != nil {
		setup(p)
	}
	c := New(p, nil, Options{IgnoreSize: ignoreSize})
	var misses int64
	for _, r := range d.reqs {
		if c.Get(r) == Miss {
			misses++
			c.Put(r, 0)
		}
	}
	return misses
}

// agreementLHD are cachesim's LHD counts. cachesim seeds its random stream
// from the clock (bin/cachesim/sim.c: srand(time(NULL))), so every row was
// run 12 times with the same command (ALGO lhd): the mean, lowest and
// highest count.
var agreementLHD = []struct {
	trace           string
	frac            float64
	capacity        int64
	mean, low, high int64
}{
	{"zipf", 0.001, 19, 177288, 177049, 177527},
	{"zipf", 0.01, 193, 156208, 156069, 156295},
	{"zipf", 0.1, 1934, 108467, 108358, 108554},
	{"zipfsize", 0.001, 470615, 185577, 185440, 185751},
	{"zipfsize", 0.01, 4706156, 139663, 139396, 140007},
	{"zipfsize", 0.1, 47061567, 75977, 75764, 76137},
	{"decay-obj", 0.001, 19, 127077, 126629, 127680},
	{"decay-obj", 0.01, 194, 59270, 59142, 59414},
	{"decay-obj", 0.1, 1940, 19455, 19439, 19469},
	{"decay-byte", 0.001, 481385, 107756, 107375, 108673},
	{"decay-byte", 0.01, 4813858, 42728, 42543, 43034},
	{"decay-byte", 0.1, 48138585, 20732, 20682, 20862},
}

// cdnsim's lhd differs from libCacheSim's LHD by design (see lhd.go), so
// every row is checked twice.
//
// "lhd with libCacheSim's schedule" sets cdnsim's lhd to libCacheSim's
// schedule: no reconfiguration before 2^20 updates (so none in these
// traces: both stay on the GDSF-like prior), libCacheSim's prior
// (17+class)/(age+1), the initial age shift of 10, and libCacheSim's
// sampling (8 candidates with replacement, the first
// sampled winning ties). What still differs is what cdnsim leaves out:
// explorers (objects immune to eviction within 1% of the capacity) and
// 20,000-age histograms (cdnsim's 4,096 put hit-age classes about two
// lower). Measured: within 0.0075 of cachesim's mean on every row (its own
// 12 runs spread over up to 0.0065), so held to 0.01.
//
// "lhd" is cdnsim's default. It refits its model every 2^16 updates, three
// times in these traces, learning hit densities that libCacheSim never gets
// to; it starts from its own prior, (class+1)/(age+1); and its age unit
// comes from the objects hint, not 1024 updates. Measured: from -0.053
// (zipfsize at 1%) to +0.043 (the 19-object Zipf cache, where ages in
// single updates make the prior rank like LRU while libCacheSim's ages are
// all 0 and it ranks by hit class). Held to 0.06.
//
// Making lhd ignore size fails four byte-mode rows of each check.
func TestAgreementLHDWithLibCacheSim(t *testing.T) {
	t.Parallel()
	for _, ref := range agreementLHD {
		for _, v := range []struct {
			name  string
			tol   float64
			setup func(Policy)
		}{
			{"lhd", 0.06, nil},
			{"lhd with libCacheSim's schedule", 0.01, func(p Policy) {
				c := p.(*lhd)
				c.nextReconf, c.shift, c.libCacheSimSampling = 1<<20, 10, true
				for k := range lhdClasses {
					for a := range lhdMaxAge {
						c.dens[k*lhdMaxAge+a] = float32(lhdClasses+k+1) / float32(a+1)
					}
				}
			}},
		} {
			t.Run(fmt.Sprintf("%s/%s/%g", ref.trace, v.name, ref.frac), func(t *testing.T) {
				t.Parallel()
				tr, d := agreementLoad(t, ref.trace, ref.frac, ref.capacity)
				var p Policy
				misses := agreementMisses(t, d, "lhd", ref.capacity, tr.ignoreSize, func(q Policy) {
					if p = q; v.setup != nil {
						v.setup(q)
					}
				})
				if v.setup != nil && p.(*lhd).reconfs != 0 {
					t.Fatalf("reconfigured %d times: libCacheSim's schedule does not within 2^20 updates", p.(*lhd).reconfs)
				}
				n := float64(len(d.reqs))
				got, want := float64(misses)/n, float64(ref.mean)/n
				t.Logf("cdnsim %.6f, libCacheSim %.6f (%.6f to %.6f in 12 runs), off by %+.6f",
					got, want, float64(ref.low)/n, float64(ref.high)/n, got-want)
				if math.Abs(got-want) > v.tol {
					t.Errorf("miss ratio %.6f, libCacheSim's mean %.6f: off by %+.6f, more than %g", got, want, got-want, v.tol)
				}
			})
		}
	}
}

// agreementSpread is one row's count over 12 cachesim runs: the mean
// (rounded), the lowest and the highest.
type agreementSpread struct{ mean, low, high int64 }

// agreementRandom are cachesim's Random counts, 12 runs of every row (ALGO
// random; cachesim seeds from the clock, the runs a second apart), from two
// builds: "sweep" is the build of every other row; "uniform" is that build
// with one more change, in chained_hashtable_rand_obj_v2
// (dataStructure/hashtable/chainedHashTableV2.c), both bucket draws taking
// the generator's high bits,
//
//	next_rand() & hashmask(...)  ->  (next_rand() >> 40) & hashmask(...)
var agreementRandom = []struct {
	trace          string
	frac           float64
	capacity       int64
	sweep, uniform agreementSpread
}{
	{"zipf", 0.001, 19, agreementSpread{192939, 192937, 192942}, agreementSpread{193287, 193217, 193373}},
	{"zipf", 0.01, 193, agreementSpread{168449, 168427, 168464}, agreementSpread{170624, 170529, 170778}},
	{"zipf", 0.1, 1934, agreementSpread{116574, 116307, 116727}, agreementSpread{119790, 119676, 119946}},
	{"zipfsize", 0.001, 470615, agreementSpread{193102, 193101, 193103}, agreementSpread{193227, 193149, 193295}},
	{"zipfsize", 0.01, 4706156, agreementSpread{168802, 168791, 168817}, agreementSpread{170772, 170470, 171055}},
	{"zipfsize", 0.1, 47061567, agreementSpread{116728, 116482, 116866}, agreementSpread{119857, 119595, 120252}},
	{"decay-obj", 0.001, 19, agreementSpread{141306, 141303, 141308}, agreementSpread{144341, 144162, 144688}},
	{"decay-obj", 0.01, 194, agreementSpread{66645, 66592, 66706}, agreementSpread{71434, 71185, 71705}},
	{"decay-obj", 0.1, 1940, agreementSpread{21667, 21564, 21757}, agreementSpread{23391, 23278, 23480}},
	{"decay-byte", 0.001, 481385, agreementSpread{137548, 137545, 137551}, agreementSpread{139267, 139173, 139369}},
	{"decay-byte", 0.01, 4813858, agreementSpread{66811, 66772, 66831}, agreementSpread{70976, 70527, 71419}},
	{"decay-byte", 0.1, 48138585, agreementSpread{21729, 21645, 21781}, agreementSpread{23409, 23229, 23524}},
}

// cdnsim's random and libCacheSim's Random both evict until the new object
// fits (random.Admit; cache_get_base's loop), and neither admits an object
// larger than the cache. They differ in how they draw the victim.
//
// cdnsim draws a cached object uniformly (a PCG stream). libCacheSim's
// Random (Random.c, hashtable_rand_obj) draws a bucket of its 2^16-bucket
// table (cachesim's hashpower 24, minus 8) as next_rand() & mask, draws
// again while the bucket is empty, and evicts the head of its chain (the
// bucket's newest object; with at most a few thousand objects in 65,536
// buckets chains are rare). next_rand is a 64-bit LCG, and the low 16 bits
// of an LCG modulo 2^64 are an LCG modulo 2^16 of full period: the draws
// walk one fixed permutation of the buckets, the seed choosing only where
// the walk starts. The victim is thus the next cached object along a hand
// sweeping the objects in hash order. An object evicted and soon requested
// again lands just behind the hand and stays nearly a whole sweep, so
// objects requested often stay longer than under uniform eviction:
// cachesim's "sweep" misses from 0.0006 to 0.024 less than cdnsim on these
// rows, and its 12 runs barely differ (5 misses apart at 19 objects). With
// the draw taken from the high bits ("uniform"), cachesim's mean is within
// 0.0006 of cdnsim's 12-seed mean on every row.
//
// cdnsim keeps uniform draws (the policy random eviction names; on the
// Zipf rows its mean is within 0.0002 of FIFO's count, as under IRM random
// and FIFO eviction hit alike) and each row is checked
// against both: the mean over cdnsim's seeds 1..12 (1..4 with -short) is
// held to 0.003 of "uniform" (measured: 0.0006 at most, 0.0008 with
// -short) and 0.03 of "sweep" (measured: +0.0006 to +0.024). Mutations,
// rows failed of "uniform" and of "sweep": evicting the newest cached
// object, 11 and 6; evicting one object per miss however large the new
// one, 5 and 3 (all byte mode); counting every object as one byte, all 6
// byte-mode rows and 5.
func TestAgreementRandomWithLibCacheSim(t *testing.T) {
	t.Parallel()
	seeds := uint64(12)
	if testing.Short() {
		seeds = 4
	}
	for _, ref := range agreementRandom {
		t.Run(fmt.Sprintf("%s/%g", ref.trace, ref.frac), func(t *testing.T) {
			t.Parallel()
			tr, d := agreementLoad(t, ref.trace, ref.frac, ref.capacity)
			var sum, low, high int64 = 0, math.MaxInt64, 0
			for seed := uint64(1); seed <= seeds; seed++ {
				m := agreementMisses(t, d, "random", ref.capacity, tr.ignoreSize, func(p Policy) {
					p.(*random).rng = rand.New(rand.NewPCG(seed, randomPCGStream))
				})
				sum, low, high = sum+m, min(low, m), max(high, m)
			}
			n := float64(len(d.reqs))
			got := float64(sum) / float64(seeds) / n
			t.Logf("cdnsim %.6f (%.6f to %.6f in %d seeds)", got, float64(low)/n, float64(high)/n, seeds)
			for _, v := range []struct {
				name string
				ref  agreementSpread
				tol  float64
			}{{"uniform", ref.uniform, 0.003}, {"sweep", ref.sweep, 0.03}} {
				want := float64(v.ref.mean) / n
				t.Logf("libCacheSim %s %.6f (%.6f to %.6f in 12 runs), off by %+.6f",
					v.name, want, float64(v.ref.low)/n, float64(v.ref.high)/n, got-want)
				if math.Abs(got-want) > v.tol {
					t.Errorf("mean miss ratio %.6f, libCacheSim's %s mean %.6f: off by %+.6f, more than %g",
						got, v.name, want, got-want, v.tol)
				}
			}
		})
	}
}
