package replication

import (
	"reflect"
	"strings"
	"testing"

	"zchat"
)

// roundTripData encodes data as a message and decodes it, as a peer would
// receive it.
func roundTripData(t *testing.T, data map[string]any) map[string]any {
	t.Helper()
	m, err := roundTrip("test", data)
	if err != nil {
		t.Fatal(err)
	}
	return m.Data
}

func TestEventsCarryTheirHash(t *testing.T) {
	e := zchat.Event{Origin: "o.1", Seq: 3, Clock: 9, Time: 1.5, Kind: zchat.KindPost, User: "u", Target: "c", Text: "t", ReqID: "r"}
	e.Hash = zchat.ChainHash(zchat.Genesis, e)
	got, err := decodeEvents(roundTripData(t, map[string]any{"events": encodeEvents([]zchat.Event{e})})["events"])
	if err != nil || !reflect.DeepEqual(got, []zchat.Event{e}) {
		t.Fatalf("round trip = %+v, %v; want %+v", got, err, e)
	}
}

func TestDecodeEvent(t *testing.T) {
	nine := []any{"o.1", uint64(3), uint64(9), 1.5, uint64(3), "u", "c", "t", "r"}
	want := zchat.Event{Origin: "o.1", Seq: 3, Clock: 9, Time: 1.5, Kind: zchat.KindPost, User: "u", Target: "c", Text: "t", ReqID: "r"}
	hash := zchat.Hash{1, 2, 3}
	withHash := want
	withHash.Hash = hash
	tests := []struct {
		name    string
		fields  []any
		want    zchat.Event
		wantErr string
	}{
		{"nine fields: an older peer, no hash", nine, want, ""},
		{"ten fields", append(nine[:9:9], hash[:]), withHash, ""},
		{"a hash as str", append(nine[:9:9], string(hash[:])), withHash, ""},
		{"a nil hash", append(nine[:9:9], nil), want, ""},
		{"more fields are ignored", append(nine[:9:9], hash[:], "later"), withHash, ""},
		{"a short hash", append(nine[:9:9], hash[:31]), zchat.Event{}, "bad hash"},
		{"a hash that is a number", append(nine[:9:9], 7), zchat.Event{}, "bad hash"},
		{"eight fields", nine[:8], zchat.Event{}, "want an array of 9 fields"},
	}
	for _, tt := range tests {
		got, err := decodeEvent(tt.fields)
		switch {
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.wantErr)
		case tt.wantErr == "" && (err != nil || got != tt.want):
			t.Errorf("%s: %+v, %v; want %+v", tt.name, got, err, tt.want)
		}
	}
}

func TestHeadsOnTheWire(t *testing.T) {
	heads := map[string]zchat.Head{"a.1": {Seq: 4, Hash: zchat.Hash{9}}, "b.1": zchat.GenesisHead}
	got, err := decodeHeads(roundTripData(t, map[string]any{"heads": encodeHeads(heads)})["heads"])
	if err != nil || !reflect.DeepEqual(got, heads) {
		t.Errorf("round trip = %v, %v; want %v", got, err, heads)
	}
	if got, err := decodeHeads(nil); got != nil || err != nil {
		t.Errorf("no heads (an older peer) = %v, %v", got, err)
	}
	for _, bad := range []any{"x", map[string]any{"a": []any{uint64(1)}}, map[string]any{"a": []any{uint64(1), []byte{1}}},
		map[string]any{"a": []any{-1, make([]byte, 32)}}} {
		if _, err := decodeHeads(bad); err == nil {
			t.Errorf("decodeHeads(%v) accepted", bad)
		}
	}
}

func TestHashesOnTheWire(t *testing.T) {
	hashes := []zchat.Hash{{1}, {}, {3}}
	got, err := decodeHashes(roundTripData(t, map[string]any{"h": encodeHashes(hashes)})["h"], 3)
	if err != nil || !reflect.DeepEqual(got, hashes) {
		t.Errorf("round trip = %v, %v", got, err)
	}
	if _, err := decodeHashes([]any{nil}, 2); err == nil {
		t.Error("a reply of the wrong length was accepted")
	}
	seqs, err := decodeSeqs(roundTripData(t, map[string]any{"s": []uint64{1, 5}})["s"], 64)
	if err != nil || !reflect.DeepEqual(seqs, []uint64{1, 5}) {
		t.Errorf("seqs = %v, %v", seqs, err)
	}
	for _, bad := range []any{make([]any, 65), []any{-1}, []any{"x"}, "x"} {
		if _, err := decodeSeqs(bad, 64); err == nil {
			t.Errorf("decodeSeqs(%v) accepted", bad)
		}
	}
}
