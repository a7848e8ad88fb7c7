package replication

import (
	"fmt"

	"zchat"
	"zchat/internal/wire"
)

// wireHead is a head in a vector reply: [seq, hash].
type wireHead struct {
	_msgpack struct{} `msgpack:",as_array"`
	Seq      uint64
	Hash     []byte
}

func encodeHeads(heads map[string]zchat.Head) map[string]wireHead {
	out := make(map[string]wireHead, len(heads))
	for origin, h := range heads {
		out[origin] = wireHead{Seq: h.Seq, Hash: h.Hash[:]}
	}
	return out
}

// decodeHeads reads an origin -> [seq, hash] map; nil (an older peer) is
// nil.
func decodeHeads(v any) (map[string]zchat.Head, error) {
	if v == nil {
		return nil, nil
	}
	m, ok := wire.AsMap(v)
	if !ok {
		return nil, fmt.Errorf("heads: want a map, got %T", v)
	}
	out := make(map[string]zchat.Head, len(m))
	for origin, item := range m {
		f, ok := item.([]any)
		if !ok || len(f) < 2 {
			return nil, fmt.Errorf("heads: want [seq, hash] for %s, got %v", origin, item)
		}
		r := fieldReader{}
		h := zchat.Head{Seq: r.uint(f[0]), Hash: r.hash(f[1])}
		if r.err != nil {
			return nil, fmt.Errorf("heads: %s: %w", origin, r.err)
		}
		out[origin] = h
	}
	return out, nil
}

// decodeHashes reads a list of hashes (nil for a seq not held) of want
// entries.
func decodeHashes(v any, want int) ([]zchat.Hash, error) {
	list, ok := v.([]any)
	if !ok || len(list) != want {
		return nil, fmt.Errorf("hashes: want a list of %d, got %T of %d", want, v, len(list))
	}
	out := make([]zchat.Hash, want)
	r := fieldReader{}
	for i, item := range list {
		out[i] = r.hash(item)
	}
	return out, r.err
}

// encodeHashes writes hashes as a list, nil for a zero (not held) one.
func encodeHashes(hashes []zchat.Hash) []any {
	out := make([]any, len(hashes))
	for i := range hashes {
		if !hashes[i].IsZero() {
			out[i] = hashes[i][:]
		}
	}
	return out
}

// decodeSeqs reads a list of at most limit sequence numbers.
func decodeSeqs(v any, limit int) ([]uint64, error) {
	list, ok := v.([]any)
	if !ok || len(list) > limit {
		return nil, fmt.Errorf("seqs: want a list of at most %d, got %T", limit, v)
	}
	out := make([]uint64, len(list))
	r := fieldReader{}
	for i, item := range list {
		out[i] = r.uint(item)
	}
	return out, r.err
}
