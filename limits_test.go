package zchat

import (
	"strings"
	"testing"
)

func TestCheckName(t *testing.T) {
	cases := []struct {
		name, why string // why: a substring of the error, "" for valid
	}{
		{"ana", ""},
		{"Ana", ""},
		{"joão", ""},
		{"bot-0123abcd", ""},
		{"geral_2", ""},
		{"#canal", ""},
		{"ΑΒΓ", ""},
		{"", "empty"},
		{strings.Repeat("a", 65), "longer than 64"},
		{"a\xffb", "UTF-8"},
		{"a b", "not allowed"},
		{"a\tb", "not allowed"},
		{"a\u200bb", "not allowed"},       // zero-width space
		{"a\u202eb", "not allowed"},       // right-to-left override
		{"a\u2066b\u2069", "not allowed"}, // isolate
		{"a\x1b[31m", "not allowed"},
		{"🙂", "not allowed"},
		{"ｂｏｂ", `write it "bob"`},                     // fullwidth
		{"jo\u0061\u0303o", "write it \"jo\u00e3o\""}, // decomposed
	}
	for _, c := range cases {
		err := DefaultLimits.CheckName("user", c.name)
		switch {
		case c.why == "" && err != nil:
			t.Errorf("CheckName(%q) = %v, want valid", c.name, err)
		case c.why != "" && (err == nil || !strings.Contains(err.Error(), c.why)):
			t.Errorf("CheckName(%q) = %v, want an error containing %q", c.name, err, c.why)
		}
	}
}
