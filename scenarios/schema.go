package scenarios

import (
	"time"

	"github.com/cdnsim/cdnsim/topology"
	"github.com/cdnsim/cdnsim/workload"
)

// File is the scenario file's schema. Every key is documented in
// scenarios/news-spike.toml, the preset keys in scenarios/README.md.
type File struct {
	Name        string        `toml:"name"`
	Description string        `toml:"description"`
	Seed        uint64        `toml:"seed"`
	Interval    time.Duration `toml:"interval"`
	Warmup      time.Duration `toml:"warmup"`
	// SampleObjects is how many of a class's objects the smallest cache
	// of a sample (--sample) must hold before the class is kept at a
	// higher rate (Miniature's classRates); 0: objectsPerCache.
	SampleObjects  float64            `toml:"sample_objects_per_cache"`
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
	Ranges         rangesTOML         `toml:"ranges"`
	Workload       workloadTOML       `toml:"workload"`
	// ErrorTTLs is the Error Caching Minimum TTL by status code ("404").
	ErrorTTLs map[string]time.Duration `toml:"error_caching_min_ttl"`
	// OriginGroups pair origins for failover; behaviours name them.
	OriginGroups []originGroupTOML `toml:"origin_groups"`
}

// topologyTOML names a built-in layout: preset = "cloudfront-like" is the
// same as [pops] preset.
type topologyTOML struct {
	Preset string `toml:"preset"`
}

// rangesTOML is how caches hold large objects: in parts of ChunkSize
// bytes when set (topology.Config.ChunkSize), whole when not.
type rangesTOML struct {
	ChunkSize *Size `toml:"chunk_size"`
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
	// PriceClass ("100", "200", "all") limits the POPs DNS answers with,
	// EgressGbps caps every POP's egress (a site may set its own) and
	// EgressWindow is what egress is measured over (POPs only).
	PriceClass   priceClassTOML `toml:"price_class"`
	EgressGbps   float64        `toml:"egress_gbps"`
	EgressWindow time.Duration  `toml:"egress_window"`
	// EgressCaps cap POPs by name or area: they work with a preset too.
	EgressCaps []egressCapTOML `toml:"egress_caps"`
}

type egressCapTOML struct {
	Site string  `toml:"site"` // a POP's name, or an area (all its POPs)
	Gbps float64 `toml:"gbps"`
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
	// Area groups POPs of one metro area: DNS spreads the viewers nearest
	// it over all of them (POP sites only).
	Area string `toml:"area"`
	// EgressGbps caps this POP's egress, in place of [pops] egress_gbps.
	EgressGbps float64 `toml:"egress_gbps"`
	// priceClass is a preset POP's price class (not a key: a POP listed
	// by hand takes that of the built-in footprint's nearest area).
	priceClass topology.PriceClass
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
	// CloudFront's connection settings of an origin (0: its defaults).
	ConnectionAttempts int           `toml:"connection_attempts"`
	ConnectTimeout     time.Duration `toml:"connect_timeout"`
	ResponseTimeout    time.Duration `toml:"response_timeout"`
}

// originGroupTOML is a CloudFront origin group: behaviours name it as an
// origin; FailoverOn are the primary's status codes that fail over.
type originGroupTOML struct {
	Name       string `toml:"name"`
	Primary    string `toml:"primary"`
	Secondary  string `toml:"secondary"`
	FailoverOn []int  `toml:"failover_on"`
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
	// The cache policy: query_strings = "none" | "allowlist" | "all",
	// query_allow (the allow-list), headers and cookies kept in the key.
	QueryStrings string   `toml:"query_strings"`
	QueryAllow   []string `toml:"query_allow"`
	Headers      []string `toml:"headers"`
	Cookies      []string `toml:"cookies"`
	// Compress: CloudFront compresses eligible responses at the edge.
	Compress bool `toml:"compress"`
	// Edge functions on the viewer-request and origin-request events.
	ViewerRequest functionTOML `toml:"viewer_request"`
	OriginRequest functionTOML `toml:"origin_request"`
}

type functionTOML struct {
	Kind         string        `toml:"kind"`
	Latency      time.Duration `toml:"latency"`
	ColdStart    time.Duration `toml:"cold_start"`
	ColdRate     float64       `toml:"cold_rate"`
	DropTracking bool          `toml:"drop_tracking"`
}

func (f functionTOML) topology() topology.Function {
	return topology.Function{Kind: f.Kind, Latency: f.Latency, ColdStart: f.ColdStart, ColdRate: f.ColdRate, DropTracking: f.DropTracking}
}

// Size is a byte count written as a number or a string with a binary
// suffix ("2GB").
type Size int64

// UnmarshalTOML implements toml.Unmarshaler.
func (s *Size) UnmarshalTOML(v any) error {
	n, err := parseSize(v)
	if err != nil {
		return err
	}
	*s = Size(n)
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
	// smaller than a POP below it, a POP no viewer reaches, an
	// event after the end of the run), each "file:line: key: what"; a run
	// prints them and lists them in summary.json.
	Warnings []string
	// SHA256 is the hex SHA-256 of the scenario's text before overrides,
	// and Overrides the --set values applied to it, in order: together
	// they identify what was run.
	SHA256    string
	Overrides []string
	// at makes the Error for a key: the file and line where it is written,
	// or --set.
	at func(key string) *Error
	// Slice is the hash slice of objects a miniature or a shard simulates
	// (the zero Slice: all of them); set by Miniature, which scales the
	// Topology to it.
	Slice workload.Slice
	// ClassRates are the rates at which a sample keeps each class's
	// objects (workload.Generator.SetClassRates), set by Miniature: nil
	// when every class is kept at the sample's rate. Unit is then what a
	// request counts for (report.Config.Unit): 2^J for the largest
	// R_c = R·2^J; 0 otherwise.
	ClassRates []float64
	Unit       int64
	// HeadParts and HeadWeights are, then, the parts a sample keeps each
	// class's heads in and the weight of a head member's request
	// (workload.Generator.SetHeadParts).
	HeadParts   []int
	HeadWeights []uint16
}
