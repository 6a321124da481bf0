package report

import "github.com/cdnsim/cdnsim/topology"

// RangeSummary counts range requests and the requests served in parts of
// their object (objects larger than ranges.chunk_size). A request served
// in parts is, at each tier, a Hit only if all its parts hit (its result
// is its worst part's); its bytes count where each part was served, so
// the tiers' hit_bytes include the parts that hit in requests that missed
// others, and byte hit ratios are exact.
type RangeSummary struct {
	Requests int64 `json:"range_requests"` // viewer requests for a byte range
	Bytes    int64 `json:"range_bytes"`    // body bytes delivered for them
	// PartRequests is the requests served in parts; Parts the parts they
	// touched (one edge lookup each), PartHits those the edge answered
	// from its cache, PartialHits the requests some but not all of whose
	// parts hit at the edge, and OriginParts the parts fetched from the
	// origin (one range GET each; origin requests count a request once).
	PartRequests int64 `json:"part_requests"`
	Parts        int64 `json:"parts"`
	PartHits     int64 `json:"part_hits"`
	PartHitRatio Ratio `json:"part_hit_ratio"` // PartHits / Parts
	PartialHits  int64 `json:"partial_hits"`
	OriginParts  int64 `json:"origin_parts"`
	// OriginFetches is the GETs the origin received: a request served in
	// parts counts its OriginParts, any other that reached it one.
	OriginFetches int64 `json:"origin_fetches"`
}

// rangeCount accumulates a RangeSummary.
type rangeCount struct {
	requests, bytes, partRequests, parts, partHits, partialHits, originParts int64
	originPartRequests                                                       int64 // requests served in parts that reached the origin
}

func (c *rangeCount) add(o *topology.Outcome, w int64) {
	if o.Ranged() {
		c.requests += w
		c.bytes += o.Size * w
	}
	if o.Parts > 0 {
		c.partRequests += w
		c.parts += int64(o.Parts) * w
		c.partHits += int64(o.PartHits) * w
		c.originParts += int64(o.OriginParts) * w
		if o.ToOrigin() {
			c.originPartRequests += w
		}
		if o.PartHits > 0 && o.PartHits < o.Parts {
			c.partialHits += w
		}
	}
}

// summary is nil when there was nothing to count, so runs without ranges
// write the summary.json they always did. originRequests is
// tiers.origin.requests.
func (c *rangeCount) summary(originRequests int64) *RangeSummary {
	if *c == (rangeCount{}) {
		return nil
	}
	return &RangeSummary{Requests: c.requests, Bytes: c.bytes, PartRequests: c.partRequests, Parts: c.parts,
		PartHits: c.partHits, PartHitRatio: NewRatio(c.partHits, c.parts), PartialHits: c.partialHits, OriginParts: c.originParts,
		OriginFetches: originRequests - c.originPartRequests + c.originParts}
}
