// Package wire owns the bytes on the wire: the {"service", "data"} envelope
// in MessagePack or JSON, the lenient reading of what other implementations
// send (one synonym table, any timestamp type, the clock wherever it is), and
// the exact shape of what zchat emits (replies, errors, publications).
package wire
