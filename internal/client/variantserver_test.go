package client

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"zchat"
	"zchat/internal/client/clienttest"
	"zchat/internal/wire"
)

func TestVariantServer(t *testing.T) {
	srv := clienttest.StartServer(t, func(_ int, req wire.Message) []byte { return clienttest.VariantReply(t, req) })
	c := New(testConfig(srv.Endpoint, ""))
	defer c.Close()
	ctx := context.Background()
	if err := c.Login(ctx, "ana"); err != nil {
		t.Fatalf("login: %v", err)
	}
	if c.Clock() <= 500 {
		t.Fatalf("clock %d: top-level clock 500 not observed", c.Clock())
	}
	users, err := c.Users(ctx)
	if err != nil || !slices.Equal(users, []string{"ana", "bob"}) {
		t.Fatalf("users: %q, %v", users, err)
	}
	chans, err := c.Channels(ctx)
	if err != nil || !slices.Equal(chans, []string{"geral", "dev"}) {
		t.Fatalf("channels: %q, %v", chans, err)
	}
	if err := c.CreateChannel(ctx, "novo"); err != nil {
		t.Fatalf("create: %v", err)
	}
	wantReplyError(t, c.CreateChannel(ctx, "geral"), "Canal já existe")
	if ack, err := c.Publish(ctx, "ana", "geral", "oi"); err != nil || ack.Clock != 500 || ack.ID != "" {
		t.Fatalf("publish: %+v, %v", ack, err)
	}
	if _, err := c.Send(ctx, "ana", "bob", "oi"); err != nil {
		t.Fatalf("send: %v", err)
	}
	_, err = c.Send(ctx, "ana", "zé", "oi")
	wantReplyError(t, err, "Usuário não existe")
}

func wantReplyError(t *testing.T, err error, desc string) {
	t.Helper()
	var re *ReplyError
	if !errors.As(err, &re) || re.Description != desc {
		t.Fatalf("err = %v, want ReplyError %q", err, desc)
	}
}

func TestRequestsCarryStandardFields(t *testing.T) {
	srv := clienttest.StartServer(t, func(_ int, req wire.Message) []byte {
		return clienttest.Reply(t, req.Service, map[string]any{"status": "OK", "messages": []any{
			map[string]any{"id": "s1:1", "user": "ana", "channel": "geral", "message": "oi", "clock": 3, "timestamp": 1.7e9},
		}})
	})
	c := New(testConfig(srv.Endpoint, ""))
	defer c.Close()
	ctx := context.Background()
	_ = c.CreateChannelAs(ctx, "ana", "geral")
	_, _ = c.Send(ctx, "ana", "bob", "oi")
	got, err := c.History(ctx, zchat.HistoryQuery{Channel: "geral", After: "s1:0", Limit: 5})
	if err != nil || len(got) != 1 || got[0].ID != "s1:1" || got[0].User != "ana" {
		t.Fatalf("history: %+v, %v", got, err)
	}
	want := []map[string]any{
		{"channel": "geral", "user": "ana"},
		{"src": "ana", "dst": "bob", "message": "oi"},
		{"channel": "geral", "after": "s1:0", "limit": 5},
	}
	for i, req := range srv.Requests() {
		for k, v := range want[i] {
			if got := req.Data[k]; fmt.Sprint(got) != fmt.Sprint(v) {
				t.Errorf("request %d (%s): %s = %#v, want %#v", i, req.Service, k, got, v)
			}
		}
		if req.Clock == 0 || req.Timestamp == 0 || req.Data["request_id"] == nil {
			t.Errorf("request %d lacks clock, timestamp or request_id: %+v", i, req.Data)
		}
	}
}
