// Package clock owns time as the servers see it: the Lamport logical clock
// every process stamps on what it sends, a server's physical clock (system
// clock plus the offset Berkeley synchronization maintains, never running
// backwards), and the pure arithmetic of a Berkeley round. It opens no
// sockets: the server package asks peers for their time and applies the
// adjustments computed here.
package clock
