package client

import (
	"fmt"

	"zchat/internal/wire"
)

// firstText is the first non-empty string among data's keys.
func firstText(data map[string]any, keys []string) string {
	for _, k := range keys {
		if s, ok := wire.AsString(data[k]); ok && s != "" {
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
	if s, ok := wire.AsString(v); ok {
		return s
	}
	return fmt.Sprint(v)
}
