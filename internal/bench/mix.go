package bench

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
)

// Op is one kind of request the load generator sends.
type Op string

// The request kinds a mix may contain.
const (
	OpPublish  Op = "publish"
	OpMessage  Op = "message"
	OpHistory  Op = "history"
	OpLogin    Op = "login"
	OpUsers    Op = "users"
	OpChannels Op = "channels"
)

var knownOps = []Op{OpPublish, OpMessage, OpHistory, OpLogin, OpUsers, OpChannels}

// Mix is a weighted choice of operations.
type Mix struct {
	ops     []Op
	weights []int // cumulative
	total   int
}

// ParseMix reads "publish=80,message=15,history=5". Weights are
// non-negative integers and at least one must be positive; an op may
// appear once.
func ParseMix(s string) (Mix, error) {
	var m Mix
	seen := map[Op]bool{}
	for part := range strings.SplitSeq(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, w, ok := strings.Cut(part, "=")
		op := Op(strings.TrimSpace(name))
		if !ok || !slices.Contains(knownOps, op) {
			return Mix{}, fmt.Errorf("mix %q: want op=weight with op one of %v", part, knownOps)
		}
		weight, err := strconv.Atoi(strings.TrimSpace(w))
		if err != nil || weight < 0 {
			return Mix{}, fmt.Errorf("mix %q: weight must be a non-negative integer", part)
		}
		if seen[op] {
			return Mix{}, fmt.Errorf("mix: %s given twice", op)
		}
		seen[op] = true
		if weight > 0 {
			m.total += weight
			m.ops = append(m.ops, op)
			m.weights = append(m.weights, m.total)
		}
	}
	if m.total == 0 {
		return Mix{}, fmt.Errorf("mix %q: no operation with a positive weight", s)
	}
	return m, nil
}

// Pick draws an operation with probability proportional to its weight.
func (m Mix) Pick(r *rand.Rand) Op {
	if len(m.ops) == 1 {
		return m.ops[0]
	}
	n := r.IntN(m.total)
	i, _ := slices.BinarySearch(m.weights, n+1)
	return m.ops[i]
}

// Has tells whether op has a positive weight.
func (m Mix) Has(op Op) bool { return slices.Contains(m.ops, op) }

// Share is op's fraction of the mix.
func (m Mix) Share(op Op) float64 {
	for i, o := range m.ops {
		if o == op {
			prev := 0
			if i > 0 {
				prev = m.weights[i-1]
			}
			return float64(m.weights[i]-prev) / float64(m.total)
		}
	}
	return 0
}

// String is the canonical form, e.g. "publish=80,message=15,history=5".
func (m Mix) String() string {
	parts := make([]string, len(m.ops))
	prev := 0
	for i, op := range m.ops {
		parts[i] = fmt.Sprintf("%s=%d", op, m.weights[i]-prev)
		prev = m.weights[i]
	}
	return strings.Join(parts, ",")
}
