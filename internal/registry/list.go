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
	default:
		m, isMap := wire.AsMap(v)
		if !isMap {
			return nil, false
		}
		members = parseRankMap(m)
	}
	slices.SortFunc(members, func(a, b Member) int {
		return cmp.Or(cmp.Compare(a.Rank, b.Rank), cmp.Compare(a.Name, b.Name))
	})
	return members, true
}

func parseEntry(item any) (Member, bool) {
	if m, ok := wire.AsMap(item); ok {
		return parseMap(m)
	}
	if pair, ok := item.([]any); ok {
		return parsePair(pair)
	}
	name, ok := wire.AsString(item)
	return Member{Name: name}, ok && name != ""
}

func parseMap(m map[string]any) (Member, bool) {
	var out Member
	for _, k := range nameKeys {
		if s, ok := wire.AsString(m[k]); ok && s != "" {
			out.Name = s
			break
		}
	}
	for _, k := range rankKeys {
		if n, ok := rank(m[k]); ok {
			out.Rank = n
			break
		}
	}
	for _, k := range addrKeys {
		if s, ok := wire.AsString(m[k]); ok && s != "" {
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
	out.Name, _ = wire.AsString(p[0])
	if len(p) > 1 {
		out.Rank, _ = rank(p[1])
	}
	if len(p) > 2 {
		out.Addr, _ = wire.AsString(p[2])
	}
	return out, out.Name != ""
}

func parseRankMap(m map[string]any) []Member {
	var out []Member
	for name, v := range m {
		if n, ok := rank(v); ok && name != "" {
			out = append(out, Member{Name: name, Rank: n})
		}
	}
	return out
}

func rank(v any) (int, bool) {
	n, ok := wire.AsInt(v)
	return int(n), ok
}
