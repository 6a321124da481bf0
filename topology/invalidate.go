package topology

import (
	"strconv"

	"github.com/cdnsim/cdnsim/sim"
)

// defaultPropagation is how long an invalidation takes to reach every
// cache when the scenario does not say: CloudFront documents "typically
// within seconds".
const defaultPropagation = 5 * sim.Second

// maxDenseObject bounds the object IDs whose class is kept in a slice; the
// generators number objects densely from 0, traces with hashed IDs go to
// the map.
const maxDenseObject = 1 << 26

// scheduleInvalidations puts every configured invalidation on the queue.
func (n *Network) scheduleInvalidations() {
	for i, inv := range n.cfg.Invalidations {
		prop := sim.Duration(inv.Propagation)
		if prop == 0 {
			prop = defaultPropagation
		}
		n.eng.Schedule(sim.Duration(inv.At)+prop, evInvalidate, 0, uint64(i))
	}
}

func (n *Network) noteClass(obj uint64, class uint8) {
	if obj < maxDenseObject {
		if obj >= uint64(len(n.objClass)) {
			grow := max(2*len(n.objClass), int(obj)+1, 1024)
			n.objClass = append(n.objClass, make([]uint8, min(grow, maxDenseObject)-len(n.objClass))...)
		}
		n.objClass[obj] = class + 1
		return
	}
	if n.objClassMap == nil {
		n.objClassMap = map[uint64]uint8{}
	}
	n.objClassMap[obj] = class + 1
}

func (n *Network) classOf(obj uint64) (uint8, bool) {
	var c uint8
	if obj < uint64(len(n.objClass)) {
		c = n.objClass[obj]
	} else {
		c = n.objClassMap[obj]
	}
	return c - 1, c != 0
}

// Path is an object's URL path: its class's prefix and its number.
func (n *Network) Path(class uint8, obj uint64) string {
	return n.cfg.Classes[class].Prefix + strconv.FormatUint(obj, 10)
}

// invalidate removes every cached object matching the invalidation's paths
// from every POP and regional cache. Fetches already in flight still fill
// (they left before the invalidation reached the cache).
func (n *Network) invalidate(inv Invalidation) {
	n.Stats.InvalidationPaths += int64(len(inv.Paths))
	for _, group := range [][]cacheNode{n.pops, n.regions} {
		for i := range group {
			c := group[i].cache
			var ok bool
			n.keys, ok = c.Keys(n.keys[:0])
			if !ok {
				panic("topology: cache policy " + c.Policy().Name() + " cannot list its objects for an invalidation")
			}
			for _, id := range n.keys {
				obj := c.Meta(id).Owner
				class, known := n.classOf(obj)
				if !known {
					continue
				}
				n.pathBuf = strconv.AppendUint(append(n.pathBuf[:0], n.cfg.Classes[class].Prefix...), obj, 10)
				for _, pat := range inv.Paths {
					if matchPath(pat, n.pathBuf) {
						c.Remove(id)
						n.Stats.InvalidatedObjects += n.routes[class].weight
						break
					}
				}
			}
		}
	}
}
