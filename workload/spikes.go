package workload

import (
	"math"
	"strconv"
	"time"

	"github.com/cdnsim/cdnsim/sim"
)

// SpikeInfo locates a spike, scheduled or random, in the generated stream,
// for marking plots and reports.
type SpikeInfo struct {
	Name    string
	Object  uint64   // the first of the spike's objects (the most requested)
	Objects uint64   // how many: IDs Object .. Object+Objects−1
	Class   uint8    // their class index
	At      sim.Time // start of the ramp
	Home    string   // home region; "" = the normal metro mix
	Volume  float64  // expected extra requests (a random spike's drawn volume)
}

// planSpikes fixes every spike's objects and first requests now, so that
// Spikes() can report them before the stream is read. Random spikes are
// drawn here and then are scheduled spikes, after the configured ones.
// A spike is one live entry for its objects and, with browsing, a second
// one: the two Poisson counts add up to Poisson(Volume), and each entry
// costs O(1) however many objects the story has. The spikes of one
// random_spikes entry with the same home region share their sources
// (profile, object sampler, region tables), so a spike costs its live
// entries and its SpikeInfo.
func (g *Generator) planSpikes(cfg Config, seed uint64, classIdx map[string]int) error {
	rSpike := sim.NewRand(seed, "workload/spikes")
	spikes := make([]plannedSpike, 0, len(cfg.Spikes))
	for i, s := range cfg.Spikes {
		spikes = append(spikes, plannedSpike{Spike: s, key: "spikes[" + strconv.Itoa(i) + "]"})
	}
	spikes = append(spikes, drawRandomSpikes(cfg, seed)...)
	regionTables := map[string][2]*alias{}
	shared := map[string]uint32{} // a random spike's share key → its first src
	for _, s := range spikes {
		ci := classIdx[s.Class]
		cl := cfg.Classes[ci]
		n := s.objects()
		var obj uint64
		if cl.Popularity == PopZipf {
			obj = g.classes[ci].base + s.Rank
		} else {
			obj = g.nextID
			g.nextID += n
		}
		si, ok := shared[s.share]
		if !ok || s.share == "" {
			src := source{prof: newSpikeProfile(s.Spike), class: uint8(ci), homeShare: s.HomeShare}
			if s.HomeRegion != "" {
				t, ok := regionTables[s.HomeRegion]
				if !ok {
					t[0], t[1] = regionAliases(cfg.Metros, s.HomeRegion)
					regionTables[s.HomeRegion] = t
				}
				src.home, src.away = t[0], t[1]
			}
			if n > 1 {
				z, err := NewZipf(n, s.objectAlpha())
				if err != nil {
					return &FieldError{Key: s.key + ".object_alpha", Msg: err.Error()}
				}
				src.pick, src.z = pickZipf, z
			}
			si = uint32(len(g.srcs))
			g.srcs = append(g.srcs, src)
			if s.Browse > 0 {
				b := src
				b.pick = pickBrowse
				g.srcs = append(g.srcs, b)
			}
			if s.share != "" {
				shared[s.share] = si
			}
		}
		at := sim.Duration(s.At)
		g.spikes = append(g.spikes, SpikeInfo{
			Name: s.Name, Object: obj, Objects: n, Class: uint8(ci), At: at,
			Home: s.HomeRegion, Volume: s.Volume,
		})
		g.spikeAlpha = append(g.spikeAlpha, s.objectAlpha())
		g.push(obj, at, poisson(rSpike, s.Volume*(1-s.Browse)), si)
		if s.Browse > 0 {
			g.push(obj, at, poisson(rSpike, s.Volume*s.Browse), si+1)
		}
	}
	return nil
}

// plannedSpike is a spike to set up in New: a configured one or a drawn
// random one.
type plannedSpike struct {
	Spike
	key   string // its config key, for errors: "spikes[2]", "random_spikes[0]"
	share string // random spikes: sources are shared by equal keys; "" none
}

// drawRandomSpikes draws the random spikes of every cfg.RandomSpikes entry,
// each entry from its own stream so that adding an entry leaves the others'
// spikes as they were. Times are a homogeneous Poisson process over the
// stream (viral news does not keep office hours, and a spike's own ramp
// dominates its shape); volumes are drawn from the entry's Volume and capped
// at 1e8, the validated bound of a spike's volume.
func drawRandomSpikes(cfg Config, seed uint64) []plannedSpike {
	if len(cfg.RandomSpikes) == 0 {
		return nil
	}
	// Regions in order of first appearance, weighted by their metros.
	var names []string
	var weights []float64
	idx := map[string]int{}
	for _, m := range cfg.Metros {
		if m.Region == "" {
			continue
		}
		i, ok := idx[m.Region]
		if !ok {
			i = len(names)
			idx[m.Region] = i
			names = append(names, m.Region)
			weights = append(weights, 0)
		}
		weights[i] += m.Weight
	}
	var regions alias
	if len(names) > 0 {
		regions.build(weights)
	}
	var out []plannedSpike
	end := float64(cfg.Duration)
	for i, rs := range cfg.RandomSpikes {
		key := "random_spikes[" + strconv.Itoa(i) + "]"
		r := sim.NewRand(seed, "workload/random-spikes/"+strconv.Itoa(i))
		mean := float64(24*time.Hour) / rs.Rate // ns between spikes
		var mu, xm float64
		if rs.Volume.Dist == VolumePareto {
			xm = rs.Volume.Mean * (rs.Volume.Shape - 1) / rs.Volume.Shape
		} else {
			mu = math.Log(rs.Volume.Mean) - rs.Volume.Sigma*rs.Volume.Sigma/2
		}
		t := r.ExpFloat64() * mean
		for k := 1; t < end; k++ {
			var v float64
			if rs.Volume.Dist == VolumePareto {
				v = xm * math.Pow(1-r.Float64(), -1/rs.Volume.Shape)
			} else {
				v = math.Exp(mu + rs.Volume.Sigma*r.NormFloat64())
			}
			v = min(v, maxSpikeVolume)
			home := rs.HomeRegion
			if home == "" && rs.HomeShare > 0 {
				home = names[regions.sample(r)]
			}
			out = append(out, plannedSpike{
				Spike: rs.spike(k, time.Duration(t), v, home),
				key:   key,
				share: key + "/" + home,
			})
			t += r.ExpFloat64() * mean
		}
	}
	return out
}

// regionAliases builds static-weight alias tables over the metros of region
// and over the others (nil if none).
func regionAliases(metros []Metro, region string) (home, away *alias) {
	hw := make([]float64, len(metros))
	aw := make([]float64, len(metros))
	var awSum float64
	for i, m := range metros {
		if m.Region == region {
			hw[i] = m.Weight
		} else {
			aw[i] = m.Weight
			awSum += m.Weight
		}
	}
	home = new(alias)
	home.build(hw)
	if awSum > 0 {
		away = new(alias)
		away.build(aw)
	}
	return home, away
}

// Spikes lists the spikes with their objects: the scheduled ones in config
// order, then the random ones by random_spikes entry and time.
func (g *Generator) Spikes() []SpikeInfo { return append([]SpikeInfo(nil), g.spikes...) }
