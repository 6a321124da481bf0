package report

import (
	"fmt"
	"sort"
	"strings"
)

// Failure semantics: a ratio with nothing to share is undefined (null in
// summary.json, empty in timeseries.csv), never 0 or 1, and summary.json
// says why in Undefined; a run where every request failed says so first
// in its paragraph.

// nothingServed reports whether every viewer request was answered with a
// 5xx and none reached an origin: the CDN neither served nor offloaded
// anything, and an offload of 1 − 0/requests would read "100%".
func nothingServed(requests, errors5xx, originReqs int64) bool {
	return requests > 0 && errors5xx == requests && originReqs == 0
}

// explainUndefined fills s.Undefined with the reason of every undefined
// ratio of the origin offload and the tiers.
func (s *Summary) explainUndefined() {
	why := map[string]string{}
	failed := ""
	if s.Requests > 0 && s.Errors.Served5xx == s.Requests {
		failed = fmt.Sprintf(": all %s failed (%s)", count(s.Requests, "request"), s.Errors.statusList())
	}
	switch {
	case s.Requests == 0:
		why["origin_offload"] = "no viewer request in the measured period"
	case !s.OriginOffload.Requests.Defined():
		why["origin_offload.requests"] = "nothing was served and nothing fetched from an origin" + failed
	}
	if s.Requests > 0 && !s.OriginOffload.Bytes.Defined() {
		why["origin_offload.bytes"] = "no body byte was served to viewers" + failed
	}
	for _, t := range []struct {
		name string
		t    TierSummary
	}{{"edge", s.Tiers.Edge}, {"regional", s.Tiers.Regional}, {"shield", s.Tiers.Shield}} {
		key := "tiers." + t.name
		switch {
		case t.t.Requests == 0:
			reason := "no request reached this tier"
			if t.name == "edge" {
				reason = "no request reached a POP's cache"
			}
			why[key] = reason + failed
		case !t.t.HitRatio.Defined():
			why[key] = fmt.Sprintf("none of its %s was cacheable (all bypassed or failed)", count(t.t.Requests, "request"))
		case !t.t.ByteHitRatio.Defined():
			why[key+".byte_hit_ratio"] = "no body byte went through it"
		}
	}
	if len(why) > 0 {
		s.Undefined = why
	}
}

// statusList is "503 × 417,549" or "502 × 10, 504 × 3", by status.
func (e Errors) statusList() string {
	codes := make([]string, 0, len(e.ByStatus))
	for c := range e.ByStatus {
		if strings.HasPrefix(c, "5") { // the failures; 4xx are answers
			codes = append(codes, c)
		}
	}
	sort.Strings(codes)
	parts := make([]string, len(codes))
	for i, c := range codes {
		parts[i] = c + " × " + groupDigits(e.ByStatus[c])
	}
	return strings.Join(parts, ", ")
}

// failureText is the paragraph's sentence on failures: all requests
// failed, or how many did, by status; "" when none did.
func (s Summary) failureText() string {
	switch {
	case s.Errors.Served5xx == 0:
		return ""
	case s.Errors.Served5xx == s.Requests:
		t := fmt.Sprintf(" All %s FAILED: %s", count(s.Requests, "request"), s.Errors.statusList())
		if s.Errors.POPDown > 0 {
			t += fmt.Sprintf("; %s went to a POP that was down", count(s.Errors.POPDown, "request"))
		}
		return t + "."
	}
	return fmt.Sprintf(" %s failed (%s).", count(s.Errors.Served5xx, "request"), s.Errors.statusList())
}
