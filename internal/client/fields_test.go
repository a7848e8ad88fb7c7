package client

import (
	"testing"
	"time"
)

func TestEntryMessage(t *testing.T) {
	ts := float64(time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC).Unix())
	cases := []struct {
		name  string
		entry map[string]any
		want  Message
	}{
		{"post", map[string]any{"id": "s1:1", "user": "ana", "channel": "geral", "message": "oi", "timestamp": ts, "clock": uint64(7)},
			Message{ID: "s1:1", Topic: "geral", Channel: "geral", User: "ana", Text: "oi", Time: time.Unix(int64(ts), 0), Clock: 7}},
		{"private", map[string]any{"id": "s1:2", "src": "ana", "dst": "bob", "message": "psst", "clock": int8(3)},
			Message{ID: "s1:2", Topic: "bob", User: "ana", Dst: "bob", Text: "psst", Clock: 3, Private: true}},
		{"from/to and ISO time", map[string]any{"from": "ana", "to": "bob", "text": "x", "timestamp": "2024-05-01T12:00:00Z"},
			Message{Topic: "bob", User: "ana", Dst: "bob", Text: "x", Time: time.Unix(int64(ts), 0), Private: true}},
		{"numeric id, lamport_clock, millis", map[string]any{"id": 42, "user": "ana", "channel": "c", "message": "m", "lamport_clock": "9", "timestamp": ts * 1000},
			Message{ID: "42", Topic: "c", Channel: "c", User: "ana", Text: "m", Time: time.Unix(int64(ts), 0), Clock: 9}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := entryMessage(c.entry)
			if !got.Time.Equal(c.want.Time) {
				t.Fatalf("time %v, want %v", got.Time, c.want.Time)
			}
			got.Time, c.want.Time = time.Time{}, time.Time{}
			if got != c.want {
				t.Fatalf("got %+v\nwant %+v", got, c.want)
			}
		})
	}
}

func TestMessageString(t *testing.T) {
	at := time.Date(2024, 5, 1, 15, 4, 5, 0, time.Local)
	post := Message{Channel: "geral", User: "ana", Text: "hello", Time: at, Clock: 42}
	if got, want := post.String(), "[15:04:05] #geral <ana> hello (clock 42)"; got != want {
		t.Errorf("post: %q, want %q", got, want)
	}
	dm := Message{Dst: "bob", User: "ana", Text: "hi", Clock: 1, Private: true}
	if got, want := dm.String(), "[--:--:--] @bob <ana> hi (clock 1)"; got != want {
		t.Errorf("private: %q, want %q", got, want)
	}
}

func TestParseTopic(t *testing.T) {
	for in, want := range map[string]Topic{"geral": {Name: "geral"}, "@ana": {Name: "ana", Private: true}, "a@b": {Name: "a@b"}} {
		if got := ParseTopic(in); got != want || got.String() != in {
			t.Errorf("ParseTopic(%q) = %+v (%q)", in, got, got.String())
		}
	}
}
