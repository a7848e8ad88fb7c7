package auth

import (
	"strings"
	"testing"
)

func TestDecide(t *testing.T) {
	k, _ := GenerateKey()
	other, _ := GenerateKey()
	member := memberPolicy{public: []byte(k.publicRaw())}
	curve := func(key Key) Request {
		return Request{Domain: k.domain(), Mechanism: "CURVE", Credentials: [][]byte{[]byte(key.publicRaw())}}
	}
	tests := []struct {
		name   string
		policy Policy
		req    Request
		allow  bool
		reason string
	}{
		{"member", member, curve(k), true, ""},
		{"another key", member, curve(other), false, "not the cluster key"},
		{"NULL", member, Request{Domain: k.domain(), Mechanism: "NULL"}, false, `mechanism "NULL"`},
		{"PLAIN", member, Request{Domain: k.domain(), Mechanism: "PLAIN", Credentials: [][]byte{[]byte("u"), []byte("p")}}, false, `mechanism "PLAIN"`},
		{"no credentials", member, Request{Domain: k.domain(), Mechanism: "CURVE"}, false, "malformed"},
		{"short key", member, Request{Domain: k.domain(), Mechanism: "CURVE", Credentials: [][]byte{[]byte("short")}}, false, "malformed"},
		{"two keys", member, Request{Domain: k.domain(), Mechanism: "CURVE", Credentials: [][]byte{[]byte(k.publicRaw()), []byte(k.publicRaw())}}, false, "malformed"},
		{"unknown domain", nil, curve(k), false, "unknown ZAP domain"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := decide(tt.policy, tt.req)
			if d.Allow != tt.allow || !strings.Contains(d.Reason, tt.reason) || d.UserID != "" {
				t.Fatalf("decision %+v, want allow=%v reason containing %q", d, tt.allow, tt.reason)
			}
		})
	}
}
