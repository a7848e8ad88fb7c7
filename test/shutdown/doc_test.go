// Package shutdown_test checks graceful shutdown on real processes: under
// load from several REQ clients, a server stopped with SIGTERM exits 0
// within a few seconds, answers every request it accepted (a client only
// retries, with the same request_id, what the server never took), and
// every acknowledged post is in every server's history afterwards, once,
// including on the stopped server after its restart.
package shutdown_test
