package replication

import (
	"context"
	"fmt"

	"zchat"
)

// peerView is a peer's answer to vector.
type peerView struct {
	origin string                // the peer's own origin
	vector map[string]uint64     // origin -> highest contiguous seq held
	heads  map[string]zchat.Head // the same with hashes; nil from an older peer
}

// peerVector asks for the peer's vector and heads; the answer also tells
// how far the peer holds our origin, which counts as its acknowledgement
// if its hash there is ours.
func (r *Replicator) peerVector(ctx context.Context, peer string) (peerView, error) {
	ctx, cancel := context.WithTimeout(ctx, r.cfg.CallTimeout)
	defer cancel()
	m, err := r.cfg.Peers.Call(ctx, peer, svcVector, nil)
	if err != nil {
		return peerView{}, err
	}
	var pv peerView
	pv.vector, err = decodeVector(m.Data["vector"])
	if err != nil {
		return peerView{}, err
	}
	if pv.heads, err = decodeHeads(m.Data["heads"]); err != nil {
		return peerView{}, err
	}
	pv.origin, _ = m.OptString("origin")
	theirs, known := pv.heads[r.origin]
	r.recordOwnAck(ctx, peer, pv.origin, zchat.Head{Seq: pv.vector[r.origin], Hash: theirs.Hash}, known, nil)
	return pv, nil
}

// recordAck reads a replicate reply: the peer's origin, how far it holds
// ours and (newer peers) its hash there. sent are the events just pushed.
func (r *Replicator) recordAck(ctx context.Context, peer string, data map[string]any, sent []zchat.Event) error {
	origin, ok := data["origin"].(string)
	seq, ok2 := toUint(data["seq"])
	if !ok || !ok2 {
		return fmt.Errorf("replicate reply without origin or seq: %v", data)
	}
	fr := fieldReader{}
	hash := fr.hash(data["hash"])
	if fr.err != nil {
		return fmt.Errorf("replicate reply: %w", fr.err)
	}
	r.recordOwnAck(ctx, peer, origin, zchat.Head{Seq: seq, Hash: hash}, !hash.IsZero(), sent)
	return nil
}
