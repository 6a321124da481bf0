// Package sim is cdnsim's discrete-event core: virtual time, a typed event
// queue, the engine loop that dispatches events in time order, and seeded
// random streams. It knows nothing about CDNs.
//
// Events are small pointer-free values ordered by (At, Seq). The model
// dispatches them with a switch on Kind in its Handler; there is no closure
// or goroutine per event, so a run allocates nothing once the queue has grown
// to its working size. Seq is assigned at Push, so events scheduled for the
// same instant run in the order they were scheduled, and a run is a pure
// function of the scenario seed.
package sim
