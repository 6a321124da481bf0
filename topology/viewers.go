package topology

import (
	"math"
	"math/rand/v2"
	"time"

	"github.com/cdnsim/cdnsim/sim"
)

// Viewers is the viewer side of the path, beyond the metro–POP distance
// the latency model covers: the access network's last mile, setting up a
// connection to the POP, and jitter. Its zero value models none of it, so
// a viewer's round trip is the latency model's metro–POP RTT alone and no
// request pays a handshake.
type Viewers struct {
	// Access lists, for each metro (indexed like Config.Metros), its
	// viewers' access networks; empty: no last mile anywhere.
	Access [][]AccessNetwork
	// Reuse is the share of requests sent on a connection already open
	// to the POP; the others open one first.
	Reuse float64
	// HTTP3 is the share of requests made over HTTP/3: a new QUIC
	// connection costs one round trip (transport and TLS 1.3 together)
	// before the request, a new TCP connection with TLS 1.3 two.
	HTTP3 float64
	// Jitter is the mean of an exponentially distributed extra delay on
	// each request (queueing in the access network, radio scheduling).
	Jitter time.Duration
}

// AccessNetwork is one kind of access to the Internet in a metro (fixed
// broadband, mobile): its share of the metro's viewers, and its last-mile
// round-trip time, lognormal with median RTT and σ Sigma.
type AccessNetwork struct {
	Name  string
	Share float64
	RTT   time.Duration
	Sigma float64
}

func (v *Viewers) validate(metros int) error {
	if len(v.Access) != 0 && len(v.Access) != metros {
		return ferr("viewers", "access networks for %d metros, but there are %d", len(v.Access), metros)
	}
	for m, nets := range v.Access {
		var sum float64
		for _, a := range nets {
			if !(a.Share >= 0 && a.Share <= 1) || a.RTT < 0 || !(a.Sigma >= 0 && a.Sigma <= 3) {
				return ferr("viewers", "metro %d: access network %q needs a share in [0, 1], an RTT >= 0 and a sigma in [0, 3]", m, a.Name)
			}
			sum += a.Share
		}
		if len(nets) > 0 && math.Abs(sum-1) > 1e-9 {
			return ferr("viewers", "metro %d: access network shares add up to %v, not 1", m, sum)
		}
	}
	if !(v.Reuse >= 0 && v.Reuse <= 1) {
		return ferr("viewers.connection_reuse", "must be in [0, 1], got %v", v.Reuse)
	}
	if !(v.HTTP3 >= 0 && v.HTTP3 <= 1) {
		return ferr("viewers.http3_share", "must be in [0, 1], got %v", v.HTTP3)
	}
	if v.Jitter < 0 {
		return ferr("viewers.jitter", "must be >= 0, got %v", v.Jitter)
	}
	return nil
}

// viewerModel draws the viewer side of each request. Its random stream is
// its own ("viewers"), so modelling viewers changes no other draw: the
// workload and the caches see the same requests with or without it.
type viewerModel struct {
	on        bool // false for the zero Viewers
	rng       *rand.Rand
	reuse, h3 float64
	jitter    float64 // mean, ns
	first     []int32 // metro → its first entry in nets; one more at the end
	nets      []accessDraw
}

// accessDraw is an access network ready to draw from: the cumulative
// share up to and including it, and its lognormal's parameters.
type accessDraw struct {
	cum    float64
	median float64 // ns
	sigma  float64
}

func newViewerModel(v Viewers, seed uint64) viewerModel {
	m := viewerModel{reuse: v.Reuse, h3: v.HTTP3, jitter: float64(sim.Duration(v.Jitter))}
	for _, nets := range v.Access {
		m.first = append(m.first, int32(len(m.nets)))
		var cum float64
		for _, a := range nets {
			cum += a.Share
			m.nets = append(m.nets, accessDraw{cum: cum, median: float64(sim.Duration(a.RTT)), sigma: a.Sigma})
		}
	}
	m.first = append(m.first, int32(len(m.nets)))
	m.on = len(v.Access) > 0 || v.Reuse != 0 || v.HTTP3 != 0 || v.Jitter != 0
	m.rng = sim.NewRand(seed, "viewers")
	return m
}

// viewerDraw is what the viewer side adds to one request.
type viewerDraw struct {
	lastMile  sim.Time // added to the request's round trip
	setupRTTs int64    // round trips before the request can go: 0 on an open connection
	jitter    sim.Time
	http3     bool
}

// draw is the viewer side of a request from metro m.
func (v *viewerModel) draw(m int) viewerDraw {
	var d viewerDraw
	if lo, hi := v.first[m], v.first[m+1]; lo < hi {
		u, i := v.rng.Float64(), lo
		for i < hi-1 && u >= v.nets[i].cum {
			i++
		}
		a := &v.nets[i]
		d.lastMile = sim.Time(a.median * math.Exp(a.sigma*v.rng.NormFloat64()))
	}
	d.http3 = v.h3 > 0 && v.rng.Float64() < v.h3
	if v.reuse < 1 && v.rng.Float64() >= v.reuse {
		d.setupRTTs = 2 // TCP, then TLS 1.3
		if d.http3 {
			d.setupRTTs = 1 // QUIC's handshake carries TLS 1.3's
		}
	}
	if v.jitter > 0 {
		d.jitter = sim.Time(v.rng.ExpFloat64() * v.jitter)
	}
	return d
}
