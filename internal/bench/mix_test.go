package bench

import (
	"math/rand/v2"
	"testing"
)

func TestParseMix(t *testing.T) {
	tests := []struct {
		in, want string
		err      bool
	}{
		{"publish=80,message=15,history=5", "publish=80,message=15,history=5", false},
		{" publish = 1 , users=0 ", "publish=1", false},
		{"history=3,channels=1,login=1,users=1", "history=3,channels=1,login=1,users=1", false},
		{"", "", true},
		{"publish", "", true},
		{"publish=x", "", true},
		{"publish=-1", "", true},
		{"publish=0", "", true},
		{"delete=5", "", true},
		{"publish=1,publish=2", "", true},
	}
	for _, tt := range tests {
		m, err := ParseMix(tt.in)
		if (err != nil) != tt.err {
			t.Errorf("ParseMix(%q) error %v, want error %v", tt.in, err, tt.err)
			continue
		}
		if err == nil && m.String() != tt.want {
			t.Errorf("ParseMix(%q) = %q, want %q", tt.in, m.String(), tt.want)
		}
	}
}

func TestMixPickFollowsWeights(t *testing.T) {
	m, err := ParseMix("publish=80,message=15,history=5")
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	counts := map[Op]int{}
	const n = 100_000
	for range n {
		counts[m.Pick(r)]++
	}
	for op, want := range map[Op]float64{OpPublish: 0.80, OpMessage: 0.15, OpHistory: 0.05} {
		got := float64(counts[op]) / n
		if got < want-0.01 || got > want+0.01 {
			t.Errorf("%s: share %.3f, want %.2f", op, got, want)
		}
		if s := m.Share(op); s != want {
			t.Errorf("Share(%s) = %v, want %v", op, s, want)
		}
	}
	if len(counts) != 3 || !m.Has(OpHistory) || m.Has(OpLogin) {
		t.Errorf("picked %v", counts)
	}
}
