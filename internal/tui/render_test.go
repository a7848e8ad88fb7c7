package tui

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"zchat/internal/client"
)

func TestFormat(t *testing.T) {
	m := post("s1:1", "geral", "ana", 42)
	m.Time = time.Date(2025, 1, 2, 15, 4, 5, 0, time.Local)
	if got := format(entry{msg: m}); got != "[15:04:05 L42] <ana> text s1:1" {
		t.Fatalf("format %q", got)
	}
	if got := format(entry{info: "hi"}); got != "-- hi" {
		t.Fatalf("info %q", got)
	}
}

func TestVisibleScrolls(t *testing.T) {
	c := newConv(statusKind, "")
	for i := range 10 {
		c.note(fmt.Sprint(i))
	}
	lines := func() []string { return visible(c, 20, 3) }
	if got := lines(); !slices.Equal(got, []string{"-- 7", "-- 8", "-- 9"}) {
		t.Fatalf("bottom %q", got)
	}
	c.scroll = 4
	if got := lines(); !slices.Equal(got, []string{"-- 3", "-- 4", "-- 5"}) {
		t.Fatalf("scrolled %q", got)
	}
	c.scroll = 100
	if got := lines(); !slices.Equal(got, []string{"-- 0", "-- 1", "-- 2"}) {
		t.Fatalf("past the top %q", got)
	}
}

func TestWrap(t *testing.T) {
	got := wrap("aaaa bbbb cccc", 9)
	if !slices.Equal(got, []string{"aaaa bbbb", "cccc"}) {
		t.Fatalf("wrap %q", got)
	}
	c := newConv(statusKind, "")
	c.note("one two three four five six")
	if lines, all := renderTail(c, 10, 1); len(lines) < 2 || !all {
		t.Fatalf("renderTail %q %v", lines, all)
	}
}

func TestFormatNeutralisesNetworkText(t *testing.T) {
	e := entry{msg: client.Message{User: "eve\u202e", Text: "hi\x1b]0;owned\x07\nfake line", Clock: 7}}
	got := format(e)
	if strings.ContainsAny(got, "\x1b\x07\n\u202e") {
		t.Fatalf("format left control characters: %q", got)
	}
	if !strings.Contains(got, "<eve\ufffd> hi␊fake line") {
		t.Fatalf("format = %q", got)
	}
}
