package client

import (
	"fmt"
	"zchat/internal/wire"
)

// historyMessages reads the entries of a history reply, oldest first.
func historyMessages(data map[string]any) ([]Message, error) {
	for _, key := range listKeys["history"] {
		if v, ok := data[key]; ok && v != nil {
			return entries(v)
		}
	}
	return nil, nil
}

func entries(v any) ([]Message, error) {
	list, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("history: messages is a %T", v)
	}
	out := make([]Message, 0, len(list))
	for _, e := range list {
		entry, ok := wire.AsMap(e)
		if !ok {
			return nil, fmt.Errorf("history: entry is a %T", e)
		}
		out = append(out, entryMessage(entry))
	}
	return out, nil
}
