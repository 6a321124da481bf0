package scenarios

import (
	"time"

	"github.com/cdnsim/cdnsim/topology"
)

// CloudFront's TTL defaults for a behaviour: 0 s, 24 h, 365 days.
const (
	defaultMinTTL     = 0
	defaultDefaultTTL = 24 * time.Hour
	defaultMaxTTL     = 365 * 24 * time.Hour
)

// buildTopology is the CDN f describes; a behaviour's TTLs left unset take
// CloudFront's defaults above.
func buildTopology(f *File) topology.Config {
	c := topology.Config{
		Latency: topology.Latency{KmPerMs: f.Latency.KmPerMs, Inflation: f.Latency.Inflation, PerHop: f.Latency.PerHop},
		Bandwidth: topology.Bandwidth{
			ViewerMbps: f.Bandwidth.ViewerMbps, RegionalMbps: f.Bandwidth.RegionalMbps,
		},
		OriginIdle: f.OriginIdle,
		ErrorTTL:   f.ErrorTTL,
		DNS: topology.DNS{TTL: f.DNS.TTL, PublicShare: f.DNS.PublicShare,
			PublicLat: f.DNS.PublicResolver.Lat, PublicLon: f.DNS.PublicResolver.Lon},
		ConnectTimeout: f.ConnectTimeout,
		Seed:           f.Seed,
	}
	if f.Ranges.ChunkSize != nil {
		c.ChunkSize = int64(*f.Ranges.ChunkSize)
	}
	for _, l := range f.Latency.Links {
		c.Latency.Links = append(c.Latency.Links, topology.Link{From: l.From, To: l.To, RTT: l.RTT})
	}
	spec := func(t tierTOML, s siteTOML) topology.CacheSpec {
		cs := topology.CacheSpec{Capacity: int64(t.Capacity), Policy: t.Policy, Admission: t.Admission}
		if s.Capacity != 0 {
			cs.Capacity = int64(s.Capacity)
		}
		if s.Policy != "" {
			cs.Policy = s.Policy
		}
		if s.Admission != "" {
			cs.Admission = s.Admission
		}
		return cs
	}
	for _, s := range f.Regions.Sites {
		c.Regions = append(c.Regions, topology.Region{Name: s.Name, Lat: s.Lat, Lon: s.Lon, Cache: spec(f.Regions, s)})
	}
	for _, s := range f.POPs.Sites {
		c.POPs = append(c.POPs, topology.POP{Name: s.Name, Lat: s.Lat, Lon: s.Lon, Region: s.Region, Cache: spec(f.POPs, s),
			Outages: outages(s.Outages)})
	}
	buildFootprint(f, &c)
	for _, o := range f.Origins {
		c.Origins = append(c.Origins, topology.Origin{Name: o.Name, Kind: o.Kind, Lat: o.Lat, Lon: o.Lon,
			Processing: o.Processing, ProcessingSigma: o.ProcessingSigma, EgressMbps: o.EgressMbps,
			BypassRegional: o.BypassRegional, MaxConnections: o.MaxConnections, Concurrency: o.Concurrency,
			ErrorRate: o.ErrorRate, Outages: outages(o.Outages), Shield: o.Shield,
			ConnectionAttempts: o.ConnectionAttempts, ConnectTimeout: o.ConnectTimeout, ResponseTimeout: o.ResponseTimeout})
	}
	for _, g := range f.OriginGroups {
		c.OriginGroups = append(c.OriginGroups, topology.OriginGroup{Name: g.Name, Primary: g.Primary, Secondary: g.Secondary, FailoverOn: g.FailoverOn})
	}
	for _, b := range f.Behaviors {
		c.Behaviors = append(c.Behaviors, topology.Behavior{Path: b.Path, Origin: b.Origin,
			MinTTL: durOr(b.MinTTL, defaultMinTTL), DefaultTTL: durOr(b.DefaultTTL, defaultDefaultTTL), MaxTTL: durOr(b.MaxTTL, defaultMaxTTL),
			Dynamic: b.Dynamic, UpdateInterval: b.UpdateInterval,
			Key:      topology.CacheKey{QueryStrings: b.QueryStrings, QueryAllow: b.QueryAllow, Headers: b.Headers, Cookies: b.Cookies},
			Compress: b.Compress, ViewerRequest: b.ViewerRequest.topology(), OriginRequest: b.OriginRequest.topology()})
	}
	for _, inv := range f.Invalidations {
		c.Invalidations = append(c.Invalidations, topology.Invalidation{At: inv.At, Paths: inv.Paths, Propagation: inv.Propagation})
	}
	for _, m := range f.Workload.Metros {
		c.Metros = append(c.Metros, topology.Metro{Name: m.Name, Lat: m.Lat, Lon: m.Lon})
	}
	for _, cl := range f.Workload.Classes {
		tc := topology.Class{Name: cl.Name, Prefix: cl.Prefix, CacheControl: cl.CacheControl, Expires: cl.Expires,
			Sends: cl.Sends, ContentType: cl.ContentType, GzipRatio: cl.GzipRatio, BrRatio: cl.BrRatio}
		for _, e := range cl.OriginErrors {
			tc.Errors = append(tc.Errors, topology.ErrorShare{Status: e.Status, Share: e.Share})
		}
		c.Classes = append(c.Classes, tc)
	}
	return c
}

func outages(ws []outageTOML) []topology.Outage {
	var out []topology.Outage
	for _, w := range ws {
		out = append(out, topology.Outage{Start: w.Start, End: w.End})
	}
	return out
}

func durOr(d *time.Duration, def time.Duration) time.Duration {
	if d == nil {
		return def
	}
	return *d
}
