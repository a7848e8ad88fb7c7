package wire

import "fmt"

// FieldError is a problem with one field of a request's data: the reply
// names the field so that the sender can fix its request.
type FieldError struct {
	Field  string
	Reason string
}

func (e *FieldError) Error() string { return fmt.Sprintf("field %q %s", e.Field, e.Reason) }

// String returns a required string field, looked up with the synonym table.
func (m Message) String(field string) (string, error) {
	v, ok := lookup(m.Service, m.Data, field)
	if !ok {
		return "", &FieldError{field, "is missing"}
	}
	s, ok := AsString(v)
	if !ok {
		return "", &FieldError{field, fmt.Sprintf("must be a string, got %T", v)}
	}
	return s, nil
}

// OptString returns an optional string field; "" when absent.
func (m Message) OptString(field string) (string, error) {
	if _, ok := lookup(m.Service, m.Data, field); !ok {
		return "", nil
	}
	return m.String(field)
}

// OptInt returns an optional integer field; def when absent.
func (m Message) OptInt(field string, def int64) (int64, error) {
	v, ok := lookup(m.Service, m.Data, field)
	if !ok {
		return def, nil
	}
	n, ok := AsInt(v)
	if !ok {
		return 0, &FieldError{field, fmt.Sprintf("must be an integer, got %T", v)}
	}
	return n, nil
}
