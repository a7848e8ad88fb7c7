package client

import "fmt"

// text accepts MessagePack str and bin alike.
func text(v any) (string, bool) {
	switch s := v.(type) {
	case string:
		return s, true
	case []byte:
		return string(s), true
	}
	return "", false
}

// firstText is the first non-empty string among data's keys.
func firstText(data map[string]any, keys []string) string {
	for _, k := range keys {
		if s, ok := text(data[k]); ok && s != "" {
			return s
		}
	}
	return ""
}

// idText reads an event id, which other servers may send as a number.
func idText(v any) string {
	if v == nil {
		return ""
	}
	if s, ok := text(v); ok {
		return s
	}
	return fmt.Sprint(v)
}

// asMap accepts the map types decoders produce.
func asMap(v any) (map[string]any, bool) {
	switch m := v.(type) {
	case map[string]any:
		return m, true
	case map[any]any:
		out := make(map[string]any, len(m))
		for k, val := range m {
			ks, ok := text(k)
			if !ok {
				return nil, false
			}
			out[ks] = val
		}
		return out, true
	}
	return nil, false
}
