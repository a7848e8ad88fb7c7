// Package replication keeps every server's event log complete. It is
// multi-master log shipping with anti-entropy, the method of Bayou and of
// Dynamo-style stores, over the store's per-origin event ids:
//
//   - push: a shipper goroutine per peer streams this server's own events
//     (origin = store.Origin()) to that peer as soon as they commit
//     ("replicate"); the reply says up to which seq the peer holds them,
//     which is the peer's acknowledgement;
//   - pull: on start, on membership change and every PullInterval, each
//     peer's version vector is compared with ours ("vector") and every
//     missing range of every origin is fetched in pipelined batches
//     ("fetch"), which repairs lost pushes, recovers the events of a dead
//     origin from any survivor and lets an empty replica catch up;
//   - WaitReplicated holds an acknowledgement back until SyncReplicas peers
//     have acknowledged the event (--sync-replicas);
//   - divergence: each origin's log is a hash chain (zchat.ChainHash), and
//     "vector" replies carry the heads (seq and hash per origin); a log of
//     an origin that differs from a peer's (other hash at the same seq,
//     events that do not chain onto ours) is repaired only from that
//     origin itself ("hashes" finds the first differing seq, the store
//     truncates ours from there, the fetch brings the origin's events) and
//     refused from anyone else: the origin's own log wins.
//
// Applying is idempotent and ordered per origin (the store skips events it
// holds and events beyond a gap), so push and pull may overlap freely.
// docs/replication.md documents the messages and the repair's limits.
package replication
