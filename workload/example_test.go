package workload_test

import (
	"fmt"

	"github.com/cdnsim/cdnsim/workload"
)

// A day of a news site: where the breaking story's video starts, and how to
// stream the requests.
func ExampleNew() {
	cfg := workload.NewsSpikeExample()
	g, err := workload.New(cfg, 1)
	if err != nil {
		panic(err)
	}
	for _, s := range g.Spikes() {
		fmt.Printf("%s: %s at %v\n", s.Name, g.Path(s.Class, s.Object), s.At)
	}
	var r workload.Request
	var n int
	for g.Next(&r) && r.Time < g.Spikes()[0].At {
		n++
	}
	fmt.Println(n > 2_000_000, cfg.Classes[r.Class].Name != "")
	// Output:
	// breaking-news: /video/200000 at 13h0m0s
	// true true
}
