package auth

import (
	"slices"
	"testing"
)

func frames(parts ...string) [][]byte {
	out := make([][]byte, len(parts))
	for i, p := range parts {
		out[i] = []byte(p)
	}
	return out
}

func TestParseRequest(t *testing.T) {
	r, err := parseRequest(frames("1.0", "7", "dom", "10.0.0.1", "id", "CURVE", "key"))
	if err != nil || r.ID != "7" || r.Domain != "dom" || r.Address != "10.0.0.1" || r.Mechanism != "CURVE" ||
		len(r.Credentials) != 1 || string(r.Credentials[0]) != "key" {
		t.Fatalf("%+v %v", r, err)
	}
	if r, err := parseRequest(frames("1.0", "8", "", "", "", "NULL")); err != nil || len(r.Credentials) != 0 {
		t.Fatalf("NULL request: %+v %v", r, err)
	}
	for name, f := range map[string][][]byte{
		"too few frames":  frames("1.0", "1", "d", "a", "i"),
		"unknown version": frames("2.0", "1", "d", "a", "i", "NULL"),
		"nothing":         nil,
	} {
		if _, err := parseRequest(f); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestReplies(t *testing.T) {
	tests := []struct {
		name string
		got  []string
		want []string
	}{
		{"allow", replyFrames("7", Decision{Allow: true}), []string{"1.0", "7", "200", "OK", "", ""}},
		{"allow with a user id", replyFrames("7", Decision{Allow: true, UserID: "abc"}), []string{"1.0", "7", "200", "OK", "abc", ""}},
		{"deny keeps the reason to itself", replyFrames("9", Decision{Reason: "client key is not the cluster key"}), []string{"1.0", "9", "400", "access denied", "", ""}},
		{"failure", failureFrames(frames("x", "5")), []string{"1.0", "5", "500", "malformed ZAP request", "", ""}},
		{"failure without id", failureFrames(frames("x")), []string{"1.0", "", "500", "malformed ZAP request", "", ""}},
	}
	for _, tt := range tests {
		if !slices.Equal(tt.got, tt.want) {
			t.Errorf("%s: %q, want %q", tt.name, tt.got, tt.want)
		}
	}
}
