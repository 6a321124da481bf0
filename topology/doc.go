// Package topology is the CDN model: POPs (edge caches) attached to
// regional edge caches, origins behind them, optionally an origin shield,
// DNS that routes viewers to POPs, and the latency and bandwidth of every
// leg. A Network consumes a workload.Source on a sim.Engine and emits one
// Outcome per viewer request to its Observer.
//
// # The key idea
//
// The whole path's timing is known when a request arrives. Which caches
// hit or miss, which fetch in flight it joins, how long the origin's
// connection pool, worker queue and processing take: all of it is decided
// from the state at arrival, in arrival order, so the Outcome (status,
// time to first and last byte, what each tier did) is emitted at once.
// Only the caches' fills are events: a node that missed records a fetch in
// flight and schedules a fill for when the first byte gets back to it,
// later in virtual time. Requests for the object that arrive before the
// fill fires find the fetch in flight and join it (request collapsing)
// instead of going upstream. There is no goroutine or event per hop.
//
// # The request path
//
// Run makes the Network the engine's feed; the engine merges its arrivals
// with the queued fill and invalidation events in time order, Fire hands
// each arrival to arrive, and Handle dispatches the events.
//
//   - DNS route (dns.go): resolvers.route answers with the POP of lowest
//     RTT from the viewer's resolver (the metro's own, or a distant public
//     one) that is up, cached for the DNS TTL, so viewers keep going to a
//     failed POP until their answer expires (popDown: the request fails).
//     Only POPs of the price class answer; a metro whose nearest POP
//     shares an area has a resolver per POP of the area (spreadSlot);
//     a POP whose egress was above its cap is passed over (footprint.go).
//   - arrive (path.go): a request that may not be cached (method, dynamic
//     class or request) goes from the POP straight to originFetch;
//     anything else is served at the POP. arrive then adds the viewer's
//     round trip and the transfer at the slowest leg's bandwidth, and
//     emits the Outcome, with the viewer side (viewers.go) on the
//     viewer's round trip. An object larger than Config.ChunkSize is
//     served part by part instead (serveParts, ranges.go), each part
//     down the same path as an object of its own.
//   - serve at the POP (tier edge): a fresh hit answers; a stale copy
//     within stale-while-revalidate answers at once; a fetch in flight is
//     joined (Collapsed); a cached error answers with the status the
//     origin gave (Error); otherwise the request goes upstream (upstream),
//     conditional when a stale copy is there (it carries the copy's
//     version): a 304 makes it a RefreshHit, a new body a Miss, an error
//     an Error (or a RefreshHit when stale-if-error lets the copy stand
//     in). Each hop upstream is a Flow, recorded in the Outcome with the
//     body that came back over it.
//   - serve at the regional cache (tier regional), half the POP–region RTT
//     later, with the same choices, unless the class's origin bypasses the
//     regional tier (the POP calls originFetch itself).
//   - serve at the shield (tier shield): for an origin with a shield, a
//     regional cache other than the shield region's forwards its misses to
//     the shield region's cache. The shield is that region's regional
//     cache: the same cache, fills and origin connections.
//   - originFetch (origin.go): a connection from the node's keep-alive pool
//     (TCP and TLS handshakes when cold), a free worker at an origin with
//     a concurrency limit, a lognormal processing time; 504 during an
//     outage after the connection attempts (or when no first byte comes
//     within the response timeout), 503 at the error rate, the class's
//     404s and 403s for the objects drawn missing (errors.go), 304 when a
//     conditional request's version is still current. For an origin group
//     (failover.go) a failed fetch goes on to the secondary origin.
//   - Back down the path, each serve that missed records its fetch in
//     flight and schedules the fill (evFillPOP, evFillRegional) at the
//     time the first byte reaches it; answer turns a response into a 304
//     for a conditional requester whose version is current; stale-if-error
//     and stale-while-revalidate may answer from the stale copy instead.
//   - fill (path.go), later in virtual time: the object is offered to the
//     node's cache (whose admission policy may refuse it), a 304 refreshes
//     the stale copy, an error response is cached for the error-caching
//     TTL of its status code. Every tier stores the expiry the copy had where it came from,
//     so a copy's age carries down the tiers.
//
// Invalidations (invalidate.go) are events too: when one has propagated,
// every POP and regional cache drops the objects whose path matches.
// Fetches already in flight still fill.
//
// # Files
//
//   - network.go: the Network type, New (construction), Run, the engine
//     feed (Next, Fire) and event dispatch (Handle).
//   - path.go: the request path: arrive, serve, upstream, answer,
//     setResult, travel, fill, and a node's fetches in flight and cached
//     errors.
//   - routes.go: classRoutes, what each content class resolves to once
//     (origin, TTL, bypass, shield, stale-* windows), and the version rule
//     that decides 304s.
//   - origin.go: originFetch and the origin's runtime model (outages,
//     connection attempts, worker queue, processing times) and keep-alive
//     connection pools.
//   - errors.go: error statuses, the per-object draw of origin errors
//     (negative caching) and the error-caching TTL of each status code.
//   - failover.go: origin groups and their failover criteria.
//   - ranges.go: objects larger than Config.ChunkSize, cached in parts:
//     serveParts runs each part of a request through serve and combines
//     their results in the Outcome.
//   - dns.go: the resolvers that route viewers to POPs.
//   - footprint.go: price classes, POP areas and egress caps, as routing
//     uses them.
//   - invalidate.go: invalidations and the object→class index they need.
//   - keys.go, compress.go, functions.go: a behaviour's cache key, edge
//     compression and edge functions. For a route with any of them
//     (classRoute.keyed), arrive runs the viewer-request function and
//     computes the cache key (Network.key: the object, or a hash of it and
//     the parts of the request's workload.Variant the key keeps) and the
//     size of the variant the caches hold; serve, fill and the fetches in
//     flight use that key, the origin gets the object and its whole size.
//   - outcome.go: Outcome, what the path decided for one request (each
//     tier's Result, the Flows it travelled), and the Observer that
//     receives it.
//   - viewers.go: the viewer side of a request (last mile, connection
//     set-up, jitter), drawn from its own random stream.
//   - warm.go: warmAhead, which starts loading the cache slots and
//     entries of the requests Fire has read ahead (cache.Warm); it changes
//     no result.
//   - checks.go: region = "nearest", and the warnings Check reports about
//     a valid but doubtful Config.
//   - config.go, geo.go, world.go: the Config and its validation, the
//     latency model, the built-in sites (cloudfront-like, cloudfront-full).
//   - cache/: the cache policies and admission filters a node holds.
package topology
