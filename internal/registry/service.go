package registry

import (
	"errors"
	"fmt"
	"log/slog"
	"time"

	"zchat/internal/clock"
	"zchat/internal/wire"
)

// maxFrame bounds what the reference decodes: its requests are tiny.
const maxFrame = 64 << 10

// Service names of the standard, plus the data fields we use.
const (
	svcRank      = "rank"
	svcList      = "list"
	svcHeartbeat = "heartbeat"
)

// persister is what the service needs from the rank store.
type persister interface {
	Save(name string, rank int) error
}

// service answers one request frame with one reply frame. It owns the
// state and is used by a single goroutine.
type service struct {
	state *State
	store persister
	clock *clock.Lamport
	log   *slog.Logger
}

// handle never fails: whatever the request, it returns a reply to send.
func (s *service) handle(frames [][]byte, now time.Time) []byte {
	if len(frames) != 1 {
		return s.reply(wire.MsgPack, "error", wire.ErrorData(fmt.Sprintf("expected one frame, got %d", len(frames))), now)
	}
	req, err := wire.Decode(frames[0], maxFrame)
	if err != nil {
		s.log.Debug("bad request", "err", err)
		return s.reply(req.Encoding, serviceOr(req.Service), wire.ErrorData(err.Error()), now)
	}
	s.clock.ObserveBounded(req.Clock, 0) // anyone can call the reference: see clock.Bound
	data, err := s.dispatch(req, now)
	if err != nil {
		s.log.Debug("request refused", "service", req.Service, "err", err)
		data = wire.ErrorData(err.Error())
	}
	return s.reply(req.Encoding, req.Service, data, now)
}

func serviceOr(name string) string {
	if name == "" {
		return "error"
	}
	return name
}

func (s *service) dispatch(req wire.Message, now time.Time) (map[string]any, error) {
	switch req.Service {
	case svcRank:
		rank, err := s.touch(req, now)
		if err != nil {
			return nil, err
		}
		return map[string]any{"rank": rank}, nil
	case svcHeartbeat:
		rank, err := s.touch(req, now)
		if err != nil {
			return nil, err
		}
		return map[string]any{"status": wire.StatusOK, "rank": rank, "list": listData(s.state.Live(now))}, nil
	case svcList:
		return map[string]any{"list": listData(s.state.Live(now))}, nil
	}
	return nil, fmt.Errorf("unknown service %q", req.Service)
}

// touch registers or refreshes the requesting server and returns its rank,
// persisting a new rank before it is handed out.
func (s *service) touch(req wire.Message, now time.Time) (int, error) {
	name, err := req.String("user")
	if err != nil {
		return 0, err
	}
	if name == "" {
		return 0, errors.New(`field "user" is empty`)
	}
	addr, err := req.OptString("address")
	if err != nil {
		return 0, err
	}
	rank, fresh := s.state.Touch(name, addr, now)
	if fresh && s.store != nil {
		if err := s.store.Save(name, rank); err != nil {
			s.state.Forget(name)
			s.log.Error("cannot persist rank", "server", name, "err", err)
			return 0, errors.New("cannot persist rank, try again")
		}
		s.log.Info("rank assigned", "server", name, "rank", rank)
	}
	return rank, nil
}

// listData is the wire form of a list: maps sorted by rank.
func listData(members []Member) []any {
	out := make([]any, 0, len(members))
	for _, m := range members {
		out = append(out, map[string]any{"name": m.Name, "rank": m.Rank, "address": m.Addr})
	}
	return out
}

// reply encodes data; should encoding ever fail, it still returns a
// (MessagePack) error reply so that the REP socket can answer.
func (s *service) reply(enc wire.Encoding, service string, data map[string]any, now time.Time) []byte {
	ts := float64(now.UnixNano()) / 1e9
	b, err := wire.Encode(enc, service, data, s.clock.Tick(), ts)
	if err == nil {
		return b
	}
	s.log.Error("cannot encode reply", "err", err)
	b, _ = wire.Encode(wire.MsgPack, "error", wire.ErrorData("internal error"), s.clock.Tick(), ts)
	return b
}

// sweep logs the servers that joined or left since the previous sweep.
func (s *service) sweep(now time.Time) {
	joined, left := s.state.Changes(now)
	for _, m := range joined {
		s.log.Info("server live", "server", m.Name, "rank", m.Rank, "address", m.Addr)
	}
	for _, m := range left {
		s.log.Warn("server left (no heartbeat)", "server", m.Name, "rank", m.Rank)
	}
}
