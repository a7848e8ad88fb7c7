// Package conformance is a black-box checker of any implementation of the
// standard chat protocol, seen the way a third-party client sees it: REQ
// requests to the broker and a SUB on the proxy. It knows nothing of zchat's
// internals; it builds frames by hand and reads replies with internal/wire's
// lenient decoder.
//
// Checks are small functions over a Target (the system under test) run in
// order against one Env (the run's names and Lamport clock). Each yields
// pass, fail (the standard is broken), or warn (something the standard
// leaves open, or an interoperability variant the target does not accept).
package conformance
