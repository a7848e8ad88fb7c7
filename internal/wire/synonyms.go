package wire

// synonyms lists, per service, the other names under which implementations
// in the wild send a standard field. This table is the only place where such
// leniency lives. The standard name always wins when both are present.
var synonyms = map[string]map[string][]string{
	"message": {"src": {"from"}, "dst": {"to"}},
	"channel": {"channel": {"name"}},
}

// clockKeys are the places where a sender's Lamport clock is found, in
// order of preference: data.clock, top-level clock, lamport_clock (top level
// or in data).
var clockKeys = []string{"clock", "lamport_clock"}

// lookup finds field in data under its standard name or a synonym.
func lookup(service string, data map[string]any, field string) (any, bool) {
	if v, ok := data[field]; ok && v != nil {
		return v, true
	}
	for _, alias := range synonyms[service][field] {
		if v, ok := data[alias]; ok && v != nil {
			return v, true
		}
	}
	return nil, false
}
