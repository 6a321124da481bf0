package topology

import (
	"math"
	"math/rand/v2"

	"github.com/cdnsim/cdnsim/sim"
	"github.com/cdnsim/cdnsim/workload"
)

// originState is an origin's runtime model.
type originState struct {
	proc     lognormal
	bps      float64
	maxConns int // per (node, origin) pool; 0 = unlimited
	// slots holds, for an origin with a concurrency limit, when each of its
	// workers becomes free: a min-heap, so a request waits for the earliest.
	slots   []sim.Time
	errRate float64
	rng     *rand.Rand // error draws
	outages windows
	// attempts, connectTimeout and respTimeout are the origin's
	// connection settings, CloudFront's defaults filled in.
	attempts                    int
	connectTimeout, respTimeout sim.Time
}

// newOrigin is o's runtime model; its random streams (processing times,
// errors) are named after it, so adding an origin leaves the others' draws
// unchanged. connectTimeout is the default for an origin that sets none.
func newOrigin(o Origin, seed uint64, connectTimeout sim.Time) originState {
	og := originState{
		proc:     lognormal{median: float64(o.Processing), sigma: o.ProcessingSigma, rng: sim.NewRand(seed, "origin/"+o.Name)},
		bps:      mbps(o.EgressMbps, 1000),
		maxConns: o.MaxConnections,
		slots:    make([]sim.Time, o.Concurrency),
		errRate:  o.ErrorRate,
		rng:      sim.NewRand(seed, "origin-errors/"+o.Name),
		outages:  windowsOf(o.Outages),
		attempts: o.ConnectionAttempts,
		// The response timeout is measured from sending the request to
		// the first byte back, a round trip included.
		respTimeout: orDur(o.ResponseTimeout, defaultResponseTimeout),
	}
	if og.attempts == 0 {
		og.attempts = defaultConnectionAttempts
	}
	og.connectTimeout = connectTimeout
	if o.ConnectTimeout > 0 {
		og.connectTimeout = sim.Duration(o.ConnectTimeout)
	}
	return og
}

// down reports whether the origin is in an outage at t.
func (o *originState) down(t sim.Time) bool {
	return o.outages.contains(t)
}

// admit returns when a request arriving at t starts being processed: at
// once without a concurrency limit, else when the earliest worker frees.
// The caller must call release with the end of the processing.
func (o *originState) admit(t sim.Time) sim.Time {
	if len(o.slots) == 0 {
		return t
	}
	return max(t, o.slots[0])
}

// release occupies the worker admit chose until end.
func (o *originState) release(end sim.Time) {
	if len(o.slots) == 0 {
		return
	}
	o.slots[0] = end
	// Sift down: the root grew.
	h, i := o.slots, 0
	for {
		l := 2*i + 1
		if l >= len(h) {
			return
		}
		m := l
		if r := l + 1; r < len(h) && h[r] < h[l] {
			m = r
		}
		if h[i] <= h[m] {
			return
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
}

// poolConn is one persistent connection from a node to an origin.
type poolConn struct {
	busyUntil sim.Time // a response is still streaming on it until then
	lastUsed  sim.Time
	open      bool
}

// pool is the keep-alive connections from one node to one origin.
type pool struct {
	conns []poolConn
}

// take picks the connection for a request at t: the most recently used
// idle connection that is still open (not idle longer than idle), else a
// new one while the pool is under max (0: no limit), else the connection
// that frees first (the request waits for it). It returns the connection,
// when the request can start on it, and whether it needs a handshake.
func (p *pool) take(t, idle sim.Time, max int) (c *poolConn, start sim.Time, cold bool) {
	best, closed, soonest := -1, -1, -1
	for i := range p.conns {
		pc := &p.conns[i]
		if pc.open && t-pc.lastUsed > idle && pc.busyUntil <= t {
			pc.open = false // idled out
		}
		switch {
		case pc.busyUntil > t:
			if soonest < 0 || pc.busyUntil < p.conns[soonest].busyUntil {
				soonest = i
			}
		case pc.open:
			if best < 0 || pc.lastUsed > p.conns[best].lastUsed {
				best = i
			}
		default:
			closed = i
		}
	}
	switch {
	case best >= 0:
		return &p.conns[best], t, false
	case closed >= 0:
		pc := &p.conns[closed]
		pc.open = true
		return pc, t, true
	case max == 0 || len(p.conns) < max:
		p.conns = append(p.conns, poolConn{open: true})
		return &p.conns[len(p.conns)-1], t, true
	}
	pc := &p.conns[soonest]
	start = pc.busyUntil
	cold = !pc.open
	pc.open = true
	return pc, start, cold
}

// handshakeRTTs is what a cold origin connection costs before the request
// can go: one round trip for TCP and one for TLS 1.3.
const handshakeRTTs = 2

// lognormal draws origin processing times: median·exp(σ·Z).
type lognormal struct {
	median float64
	sigma  float64
	rng    *rand.Rand
}

func (l *lognormal) draw() sim.Time {
	if l.sigma == 0 {
		return sim.Time(l.median)
	}
	return sim.Time(l.median * math.Exp(l.sigma*l.rng.NormFloat64()))
}

// originFetch sends request r from node nd to the class's origin at time
// at: for a route with an origin group, to the primary, then, when the
// primary fails (route.failsOver) a GET, HEAD or OPTIONS request, to the
// secondary, from the same node, as soon as the primary's failure is
// known there. The response's body counts both origins' bodies: both came
// back over the flow. size is the body asked for (the object, or a
// range); cond is the version of the requester's stale copy, or
// unconditional; nd is as for fetchFrom.
func (n *Network) originFetch(nd int, route *classRoute, r *workload.Request, at sim.Time, size int64, cond sim.Time) resp {
	if route.originFn.on {
		// The origin-request function runs before the request leaves.
		at += n.invoke(&route.originFn, r.Object, at)
	}
	res := n.fetchFrom(nd, route.origin, route, r.Object, at, size, cond)
	if route.secondary < 0 || !route.failsOver(&res) || !failoverMethod(r.Method) {
		return res
	}
	n.Stats.Failovers += n.w
	n.out.Failover = true
	first := res.body
	res = n.fetchFrom(nd, route.secondary, route, r.Object, res.ready, size, cond)
	res.body += first
	return res
}

// fetchFrom sends a request from node nd to origin oi at time at, for a
// body of size bytes; cond is the version of the requester's stale copy,
// or unconditional. nd is a POP index, or len(POPs)+g for region g's
// cache. A shield is its region's regional cache, so a shield fetch passes
// len(POPs)+g of the shield's region and shares that cache's RTT and
// connection pool: there is no separate range of shield nodes. It takes a
// connection from the node's pool (opening one, with TCP and TLS
// handshakes, when none is idle and warm), waits for a free slot at an
// origin with a concurrency limit, and fails during outages and at the
// error rate.
//
// An attempt fails when the origin is down (no answer within the
// connection timeout) or sends no first byte within the response timeout;
// CloudFront then drops the connection and tries again (on a connection
// from the pool, as any request), up to the
// origin's connection attempts ("Control origin timeouts and attempts",
// CloudFront Developer Guide), so an outage costs attempts × connection
// timeout before the 504 (or the failover). An error status, by contrast,
// is an answer: it comes back at once.
func (n *Network) fetchFrom(nd, oi int, route *classRoute, obj uint64, at sim.Time, size int64, cond sim.Time) resp {
	k := nd*len(n.cfg.Origins) + oi
	rtt := n.origRTT[k]
	og := &n.origins[oi]
	for attempt := 1; ; attempt++ {
		var c *poolConn
		var start sim.Time
		var cold bool
		if n.ghost {
			// A ghost (arriveGhost) goes on a warm connection of its own,
			// outside the pool, and past the origin's queue.
			c, start = &n.ghostConn, at
		} else {
			c, start, cold = n.pools[k].take(at, n.idle, og.maxConns)
		}
		var handshake sim.Time
		if cold {
			handshake = handshakeRTTs * rtt
			n.Stats.ConnectionsOpened += n.connWeight()
			n.Stats.HandshakeTime += handshake * sim.Time(n.connWeight())
		} else {
			n.Stats.ConnectionsReused += n.connWeight()
		}
		if og.down(start) {
			// The connection attempt goes unanswered until the timeout. No
			// connection is made, so it holds no place in the pool: requests
			// behind it do not queue for a connection that will never be.
			n.Stats.OriginFailures += n.w
			c.busyUntil, c.lastUsed, c.open = start, start, false
			at = start + og.connectTimeout
			if attempt >= og.attempts {
				return resp{ready: at, bps: math.Inf(1), status: 504, timedOut: true}
			}
			n.Stats.Retries += n.w
			continue
		}
		sent := start + handshake
		arrive := sent + rtt/2
		begin := arrive
		if !n.ghost {
			begin = og.admit(arrive)
		}
		n.Stats.OriginQueueTime += (begin - arrive) * sim.Time(n.connWeight())
		proc := og.proc.draw()
		if !n.ghost {
			og.release(begin + proc)
		}
		ready := begin + proc + (rtt - rtt/2) // the halves sum to the RTT
		if ready-sent > og.respTimeout {
			// No first byte within the response timeout: CloudFront drops
			// the connection (the origin still works the request through).
			n.Stats.ResponseTimeouts += n.w
			at = sent + og.respTimeout
			c.busyUntil, c.lastUsed, c.open = at, at, false
			if attempt >= og.attempts {
				return resp{ready: at, bps: math.Inf(1), status: 504, timedOut: true}
			}
			n.Stats.Retries += n.w
			continue
		}
		// The response is dated when the origin produces it: every copy of
		// it expires a TTL after that, at every tier.
		res := resp{ready: ready, bps: og.bps, status: 200, born: begin, expires: begin + proc + route.ttl}
		if og.errRate > 0 && og.rng.Float64() < og.errRate {
			res.status = 503
			size = errorBodyBytes
		} else if st := n.missing(route, n.object, begin); st != 0 { // the object's, for each of its parts
			res.status = st
			size = errorBodyBytes
		} else if cond != unconditional && route.version(obj, cond) == route.version(obj, begin) {
			// Not modified since the requester's copy: a 304 with no body,
			// and the copy keeps its version.
			res.notModified, res.born = true, cond
			size = 0
		}
		c.busyUntil = ready + transfer(size, og.bps)
		c.lastUsed = c.busyUntil
		res.body = size
		return res
	}
}
