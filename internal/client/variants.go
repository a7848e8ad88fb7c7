package client

import (
	"fmt"
	"strings"
	"zchat/internal/wire"
)

// What the client tolerates in replies and publications, beyond what package
// wire already reads (encodings, clock location, timestamp types, the
// from/to synonyms of src/dst). Every other variation seen in the wild is
// listed here, and only here.
var (
	// okStatuses mean success, compared case-insensitively: the standard
	// answers "sucesso" to login/channel and "OK" to publish/message, and
	// servers mix them up. A missing status is success unless an "error"
	// key is present; any other status is a failure.
	okStatuses = []string{"ok", "sucesso", "success"}

	// errorTextKeys hold the reason of a failure, in order of preference:
	// the standard uses "description" (login, channel) and "message"
	// (publish, message); some servers send "error" or "reason".
	errorTextKeys = []string{"description", "message", "error", "reason"}

	// listKeys hold each listing reply's names. Every implementation sends
	// channels under "channels"; the assignment's text says "users".
	listKeys = map[string][]string{
		"users":    {"users"},
		"channels": {"channels", "users"},
		"history":  {"messages", "history"},
	}

	// nameKeys hold the name when a list holds maps instead of strings.
	nameKeys = []string{"name", "user", "channel"}

	// textKeys hold the body of a post or private message.
	textKeys = []string{"message", "text", "content"}

	// authorKeys hold the author of a post.
	authorKeys = []string{"user", "username", "src"}

	// topicKeys name the topic inside a single-frame publication.
	topicKeys = []string{"topic", "channel", "dst", "to"}
)

// statusError is nil when data reports success, else a *ReplyError.
func statusError(service string, data map[string]any) error {
	status, has := wire.AsString(data["status"])
	if has && isOK(status) || !has && data["error"] == nil {
		return nil
	}
	server, _ := wire.AsString(data["server"])
	return &ReplyError{Service: service, Status: status, Description: errorText(data, status), Server: server}
}

func isOK(status string) bool {
	for _, s := range okStatuses {
		if strings.EqualFold(strings.TrimSpace(status), s) {
			return true
		}
	}
	return false
}

func errorText(data map[string]any, status string) string {
	if s := firstText(data, errorTextKeys); s != "" {
		return s
	}
	if status == "" {
		return "request failed"
	}
	return fmt.Sprintf("request failed (status %q)", status)
}

// replyList returns the names a listing reply holds.
func replyList(service string, data map[string]any) ([]string, error) {
	for _, key := range listKeys[service] {
		if v, ok := data[key]; ok && v != nil {
			return names(v)
		}
	}
	return nil, fmt.Errorf("%s: reply has no list (looked for %s)", service, strings.Join(listKeys[service], ", "))
}

// names reads a list of strings (or bytes, or maps with a name).
func names(v any) ([]string, error) {
	switch l := v.(type) {
	case []string:
		return l, nil
	case []any:
		out := make([]string, 0, len(l))
		for _, e := range l {
			out = append(out, nameOf(e))
		}
		return out, nil
	}
	return nil, fmt.Errorf("list is a %T", v)
}

func nameOf(v any) string {
	if s, ok := wire.AsString(v); ok {
		return s
	}
	if m, ok := wire.AsMap(v); ok {
		return firstText(m, nameKeys)
	}
	return fmt.Sprint(v)
}
