package proxy

import (
	"testing"

	"zchat/internal/wire"
)

func TestJudge(t *testing.T) {
	const (
		ana = "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7" // 40 characters, like a Z85 key
		bob = "Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID"
	)
	sub := func(topic string) []byte { return append([]byte{subscribeByte}, topic...) }
	unsub := func(topic string) []byte { return append([]byte{unsubscribeByte}, topic...) }
	tests := []struct {
		name string
		msg  []byte
		key  string
		want verdict
	}{
		{"a channel", sub("geral"), ana, verdict{apply: true, subscribe: true, topic: "geral"}},
		{"a user's plain name", sub("bob"), ana, verdict{apply: true, subscribe: true, topic: "bob"}},
		{"the servers' topic", sub("servers"), ana, verdict{apply: true, subscribe: true, topic: "servers"}},
		{"one's own private topic", sub(wire.PrivateTopic(ana)), ana, verdict{apply: true, subscribe: true, topic: wire.PrivateTopic(ana)}},
		{"another key's private topic", sub(wire.PrivateTopic(bob)), ana, verdict{topic: wire.PrivateTopic(bob), refused: refusedPrivate}},
		{"a prefix of one's own private topic", sub(wire.PrivateTopic(ana)[:10]), ana, verdict{topic: wire.PrivateTopic(ana)[:10], refused: refusedPrivate}},
		{"one's own private topic and more", sub(wire.PrivateTopic(ana) + "x"), ana, verdict{topic: wire.PrivateTopic(ana) + "x", refused: refusedPrivate}},
		{"the private namespace", sub(wire.PrivatePrefix), ana, verdict{topic: wire.PrivatePrefix, refused: refusedEverything}},
		{"everything", sub(""), ana, verdict{topic: "", refused: refusedEverything}},
		{"no key", sub("geral"), "", verdict{topic: "geral", refused: refusedAnonymous}},
		{"a key of the wrong length", sub("geral"), "short", verdict{topic: "geral", refused: refusedAnonymous}},
		{"unsubscribe", unsub("geral"), ana, verdict{apply: true, topic: "geral"}},
		{"unsubscribe from what was refused", unsub(""), ana, verdict{apply: true, topic: ""}},
		{"libzmq's unsubscription of a subscriber that left", unsub("geral"), "", verdict{topic: "geral"}},
		{"not a subscription", []byte("\x02hello"), ana, verdict{}},
		{"an empty message", nil, ana, verdict{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := judge(tt.msg, tt.key); got != tt.want {
				t.Fatalf("judge(%q, %q) = %+v, want %+v", tt.msg, tt.key, got, tt.want)
			}
		})
	}
}
