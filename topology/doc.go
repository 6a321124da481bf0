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
//   - arrive (path.go): a request that may not be cached (method, dynamic
//     class or request) goes from the POP straight to originFetch;
//     anything else is served at the POP. arrive then adds the viewer's
//     round trip and the transfer at the slowest leg's bandwidth, and
//     emits the Outcome, with the viewer side (viewers.go) on the
//     viewer's round trip.
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
//     outage, 503 at the error rate, 304 when a conditional request's
//     version is still current.
//   - Back down the path, each serve that missed records its fetch in
//     flight and schedules the fill (evFillPOP, evFillRegional) at the
//     time the first byte reaches it; answer turns a response into a 304
//     for a conditional requester whose version is current; stale-if-error
//     and stale-while-revalidate may answer from the stale copy instead.
//   - fill (path.go), later in virtual time: the object is offered to the
//     node's cache (whose admission policy may refuse it), a 304 refreshes
//     the stale copy, an error response is cached for the error-caching
//     TTL. Every tier stores the expiry the copy had where it came from,
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
//     worker queue, processing times) and keep-alive connection pools.
//   - dns.go: the resolvers that route viewers to POPs.
//   - invalidate.go: invalidations and the object→class index they need.
//   - outcome.go: Outcome, what the path decided for one request (each
//     tier's Result, the Flows it travelled), and the Observer that
//     receives it.
//   - viewers.go: the viewer side of a request (last mile, connection
//     set-up, jitter), drawn from its own random stream.
//   - checks.go: region = "nearest", and the warnings Check reports about
//     a valid but doubtful Config.
//   - config.go, geo.go, world.go: the Config and its validation, the
//     latency model, the built-in cloudfront-like sites.
//   - cache/: the cache policies and admission filters a node holds.
package topology
