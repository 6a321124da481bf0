package scenarios

import (
	"encoding/csv"
	"strconv"
	"strings"
	"testing"
)

// TestOriginOutageShowsInTheTimeseries runs the origin-outage scenario up to
// just after its outage and checks what its plots are meant to show: 5xx and
// stale-if-error stand-ins only around the failures, and none elsewhere.
func TestOriginOutageShowsInTheTimeseries(t *testing.T) {
	if testing.Short() {
		t.Skip("20 simulated hours")
	}
	r := sharedRun(t, "origin-outage", longBuiltin["origin-outage"]...)
	rows, err := csv.NewReader(strings.NewReader(string(r.Recorder.TimeseriesCSV()))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	var outage5xx, outageStale, elsewhere int64
	for _, row := range rows[1:] {
		h, _ := strconv.ParseFloat(row[col["hour"]], 64)
		e, _ := strconv.ParseInt(row[col["errors_5xx"]], 10, 64)
		st, _ := strconv.ParseInt(row[col["stale_served"]], 10, 64)
		switch {
		case h >= 19 && h < 19.5+1.0/12: // the outage, and the interval its last timeouts land in
			outage5xx += e
			outageStale += st
		case h >= 17 && h < 17.1: // IAD's viewers whose DNS answers had not expired
		default:
			elsewhere += e + st
		}
	}
	if outage5xx == 0 || outageStale == 0 {
		t.Errorf("during the origin outage: %d 5xx, %d stale stand-ins; want both", outage5xx, outageStale)
	}
	if elsewhere != 0 {
		t.Errorf("%d errors or stale stand-ins outside the failure windows", elsewhere)
	}
	sum := r.Recorder.Summary()
	if sum.Errors.Served5xx != r.Network.Stats.DeadPOPRequests+outage5xx || r.Network.Stats.DeadPOPRequests == 0 {
		t.Errorf("5xx served %d = dead-POP requests %d + outage 5xx %d?", sum.Errors.Served5xx, r.Network.Stats.DeadPOPRequests, outage5xx)
	}
}
