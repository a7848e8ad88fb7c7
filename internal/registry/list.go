package registry

import (
	"cmp"
	"slices"

	"zchat/internal/wire"
)

// Field names under which list entries carry a server's name, rank and
// address, the standard's first, then variants seen in other
// implementations (some write the fields in Portuguese).
var (
	nameKeys = []string{"name", "nome", "user", "server", "servidor"}
	rankKeys = []string{"rank", "posicao", "id"}
	addrKeys = []string{"address", "addr", "endereco", "endpoint"}
)

// parseList reads a list reply leniently: an array of maps, an array of
// [name, rank(, address)] pairs, an array of names, or a map name -> rank.
// Entries it cannot read are skipped. ok is false when v is not a list.
func parseList(v any) (members []Member, ok bool) {
	switch l := v.(type) {
	case []any:
		for _, item := range l {
			if m, ok := parseEntry(item); ok {
				members = append(members, m)
			}
		}
	case map[string]any:
		members = parseRankMap(l)
	case map[any]any:
		members = parseRankMap(stringKeys(l))
	default:
		return nil, false
	}
	slices.SortFunc(members, func(a, b Member) int {
		return cmp.Or(cmp.Compare(a.Rank, b.Rank), cmp.Compare(a.Name, b.Name))
	})
	return members, true
}

func parseEntry(item any) (Member, bool) {
	switch e := item.(type) {
	case map[string]any:
		return parseMap(e)
	case map[any]any:
		return parseMap(stringKeys(e))
	case []any:
		return parsePair(e)
	}
	name, ok := str(item)
	return Member{Name: name}, ok && name != ""
}

func parseMap(m map[string]any) (Member, bool) {
	var out Member
	for _, k := range nameKeys {
		if s, ok := str(m[k]); ok && s != "" {
			out.Name = s
			break
		}
	}
	for _, k := range rankKeys {
		if n, ok := integer(m[k]); ok {
			out.Rank = n
			break
		}
	}
	for _, k := range addrKeys {
		if s, ok := str(m[k]); ok && s != "" {
			out.Addr = s
			break
		}
	}
	return out, out.Name != ""
}

func parsePair(p []any) (Member, bool) {
	if len(p) == 0 {
		return Member{}, false
	}
	var out Member
	out.Name, _ = str(p[0])
	if len(p) > 1 {
		out.Rank, _ = integer(p[1])
	}
	if len(p) > 2 {
		out.Addr, _ = str(p[2])
	}
	return out, out.Name != ""
}

func parseRankMap(m map[string]any) []Member {
	var out []Member
	for name, v := range m {
		if n, ok := integer(v); ok && name != "" {
			out = append(out, Member{Name: name, Rank: n})
		}
	}
	return out
}

func stringKeys(m map[any]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		if s, ok := str(k); ok {
			out[s] = v
		}
	}
	return out
}

// str and integer reuse the wire package's lenient scalar reading.
func str(v any) (string, bool) {
	s, err := wire.Message{Data: map[string]any{"v": v}}.String("v")
	return s, err == nil
}

func integer(v any) (int, bool) {
	if v == nil {
		return 0, false
	}
	n, err := wire.Message{Data: map[string]any{"v": v}}.OptInt("v", 0)
	return int(n), err == nil
}
