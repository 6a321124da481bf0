// Package workload produces the viewer requests a simulation replays: the
// Request type and Source interface, a synthetic Generator (Zipf/IRM
// catalogs, shot-noise popularity decay, scheduled viral spikes, a diurnal
// load curve and a geographic metro mix), trace readers and writers, and
// Ranges, a Source that turns a share of another's requests into range
// requests.
//
// Sources stream: a day of traffic is never held in memory unless a caller
// asks for it. Every random choice derives from the seed given to New.
package workload
