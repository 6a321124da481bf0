package scenarios

import (
	"slices"
	"strings"
	"testing"
)

// TestTopologyChecks: news-spike's hand-set POPs are all attached to
// their nearest region and every one gets viewers, so it loads without a
// warning; a misattached POP, small regional caches and region = "nearest"
// behave as documented, and a run lists the warnings in summary.json.
func TestTopologyChecks(t *testing.T) {
	t.Parallel()
	for _, name := range Builtins() {
		s, err := Load(name, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(s.Warnings) != 0 {
			t.Errorf("%s warns: %q", name, s.Warnings)
		}
	}
	const dxb = 29 // pops.sites[29] is DXB
	s, err := Load("news-spike", []string{"pops.sites[29].region=eu-central-1", "regions.capacity=100MB"})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Warnings) != 2 || !strings.Contains(s.Warnings[0], "pops.sites[29].region: POP DXB is attached to eu-central-1 (74.6 ms away) but ap-south-1 is nearer (30.9 ms)") ||
		!strings.Contains(s.Warnings[1], "13 regional edge caches are smaller than the largest POP cache below") {
		t.Errorf("warnings %q", s.Warnings)
	}
	r, err := s.NewRun(s.Seed)
	if err != nil {
		t.Fatal(err)
	}
	if got := r.Recorder.Summary().Warnings; !slices.Equal(got, s.Warnings) {
		t.Errorf("summary.json warnings %q, want %q", got, s.Warnings)
	}
	s, err = Load("news-spike", []string{"pops.sites[29].region=nearest"})
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Topology.POPs[dxb]; got.Name != "DXB" || got.Region != "ap-south-1" || len(s.Warnings) != 0 {
		t.Errorf("region = \"nearest\": POP %s in %s, warnings %q", got.Name, got.Region, s.Warnings)
	}
}
