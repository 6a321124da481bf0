package scenarios

import (
	"fmt"
	"time"

	"github.com/cdnsim/cdnsim/topology"
	"github.com/cdnsim/cdnsim/topology/cache"
	"github.com/cdnsim/cdnsim/workload"
)

// File is the scenario file's schema. Every key is documented in
// scenarios/news-spike.toml, the preset keys in scenarios/README.md.
type File struct {
	Name           string             `toml:"name"`
	Description    string             `toml:"description"`
	Seed           uint64             `toml:"seed"`
	Interval       time.Duration      `toml:"interval"`
	Warmup         time.Duration      `toml:"warmup"`
	OriginIdle     time.Duration      `toml:"origin_idle_timeout"`
	ErrorTTL       time.Duration      `toml:"error_caching_ttl"`
	ConnectTimeout time.Duration      `toml:"connect_timeout"`
	Latency        latencyTOML        `toml:"latency"`
	Bandwidth      bandwidthTOML      `toml:"bandwidth"`
	Topology       topologyTOML       `toml:"topology"`
	POPs           tierTOML           `toml:"pops"`
	Regions        tierTOML           `toml:"regions"`
	Origins        []originTOML       `toml:"origins"`
	Behaviors      []behaviorTOML     `toml:"behaviors"`
	Invalidations  []invalidationTOML `toml:"invalidations"`
	DNS            dnsTOML            `toml:"dns"`
	Viewers        viewersTOML        `toml:"viewers"`
	Logging        loggingTOML        `toml:"logging"`
	Workload       workloadTOML       `toml:"workload"`
}

// topologyTOML names a built-in layout: preset = "cloudfront-like" is the
// same as [pops] preset.
type topologyTOML struct {
	Preset string `toml:"preset"`
}

type latencyTOML struct {
	KmPerMs   float64       `toml:"fibre_km_per_ms"`
	Inflation float64       `toml:"route_inflation"`
	PerHop    time.Duration `toml:"per_hop"`
	Links     []linkTOML    `toml:"links"`
}

type linkTOML struct {
	From string        `toml:"from"`
	To   string        `toml:"to"`
	RTT  time.Duration `toml:"rtt"`
}

type bandwidthTOML struct {
	ViewerMbps   float64 `toml:"viewer_mbps"`
	RegionalMbps float64 `toml:"regional_mbps"`
}

// tierTOML is a tier's defaults plus its sites, each of which may
// override the defaults. [pops] may name a preset instead of sites.
type tierTOML struct {
	Preset    string     `toml:"preset"`
	Capacity  Size       `toml:"capacity"`
	Policy    string     `toml:"policy"`
	Admission string     `toml:"admission"`
	Sites     []siteTOML `toml:"sites"`
	// Outages name POPs that go down, by site name: they work with a preset
	// too (POPs only).
	Outages []siteOutageTOML `toml:"outages"`
}

type siteOutageTOML struct {
	Site  string        `toml:"site"`
	Start time.Duration `toml:"start"`
	End   time.Duration `toml:"end"`
}

type siteTOML struct {
	Name      string  `toml:"name"`
	City      string  `toml:"city"`
	Lat       float64 `toml:"lat"`
	Lon       float64 `toml:"lon"`
	Region    string  `toml:"region"`
	Capacity  Size    `toml:"capacity"`
	Policy    string  `toml:"policy"`
	Admission string  `toml:"admission"`
	// Outages are windows when a POP is down (POP sites only).
	Outages []outageTOML `toml:"outages"`
}

type originTOML struct {
	Name            string        `toml:"name"`
	Kind            string        `toml:"kind"`
	Lat             float64       `toml:"lat"`
	Lon             float64       `toml:"lon"`
	Processing      time.Duration `toml:"processing"`
	ProcessingSigma float64       `toml:"processing_sigma"`
	EgressMbps      float64       `toml:"egress_mbps"`
	BypassRegional  bool          `toml:"bypass_regional"`
	MaxConnections  int           `toml:"max_connections"`
	Concurrency     int           `toml:"concurrency"`
	ErrorRate       float64       `toml:"error_rate"`
	Outages         []outageTOML  `toml:"outages"`
	Shield          string        `toml:"shield"`
}

type outageTOML struct {
	Start time.Duration `toml:"start"`
	End   time.Duration `toml:"end"`
}

type dnsTOML struct {
	TTL            time.Duration `toml:"ttl"`
	PublicShare    float64       `toml:"public_share"`
	PublicResolver struct {
		Lat float64 `toml:"lat"`
		Lon float64 `toml:"lon"`
	} `toml:"public_resolver"`
}

type invalidationTOML struct {
	At          time.Duration `toml:"at"`
	Paths       []string      `toml:"paths"`
	Propagation time.Duration `toml:"propagation"`
}

type behaviorTOML struct {
	Path       string         `toml:"path"`
	Origin     string         `toml:"origin"`
	MinTTL     *time.Duration `toml:"min_ttl"`
	DefaultTTL *time.Duration `toml:"default_ttl"`
	MaxTTL     *time.Duration `toml:"max_ttl"`
	Dynamic    bool           `toml:"dynamic"`
	// UpdateInterval: objects under the behaviour change this often at the
	// origin, so revalidations get 200s instead of 304s. 0: never.
	UpdateInterval time.Duration `toml:"update_interval"`
}

// Size is a byte count written as a number or a string with a binary
// suffix ("2GB").
type Size int64

// UnmarshalTOML implements toml.Unmarshaler.
func (s *Size) UnmarshalTOML(v any) error {
	switch x := v.(type) {
	case int64:
		if x < 0 {
			return fmt.Errorf("size %d is negative", x)
		}
		*s = Size(x)
	case float64:
		if x < 0 {
			return fmt.Errorf("size %v is negative", x)
		}
		*s = Size(x)
	case string:
		n, err := cache.ParseSize(x)
		if err != nil {
			return err
		}
		*s = Size(n)
	default:
		return fmt.Errorf("a size is a number of bytes or a string like \"2GB\", not %T", v)
	}
	return nil
}

// Scenario is a loaded, validated scenario ready to run.
type Scenario struct {
	Name     string // from the file, else the file name without .toml
	Source   string // the path, or "builtin:NAME"
	Seed     uint64
	Interval time.Duration
	// Warmup is simulated before the measured period, with the same
	// traffic pattern, so that the caches are full when it starts; every
	// time in the scenario (spikes, invalidations, outages) is from the end
	// of the warm-up, and the outputs cover only what follows it.
	Warmup   time.Duration
	Topology topology.Config
	Workload workload.Config
	File     File
	// Trace is the trace file that replaces the generator ("" for none),
	// resolved against the scenario's directory, and TraceFormat its format.
	Trace       string
	TraceFormat workload.TraceFormat
	// Warnings are what the checks found doubtful but not wrong (a POP
	// attached to a region that is not its nearest, a regional cache
	// smaller than a POP below it, a POP no viewer reaches), each
	// "key: what"; a run prints them and lists them in summary.json.
	Warnings []string
	// Slice is the hash slice of objects a miniature or a shard simulates
	// (the zero Slice: all of them); set by Miniature, which scales the
	// Topology to it.
	Slice workload.Slice
}
