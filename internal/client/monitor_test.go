package client

import (
	"context"
	"fmt"
	"testing"
	"time"

	zmq "github.com/pebbe/zmq4"

	"zchat/internal/freeport"
)

// TestClosingNeverWedgesTheIOThread closes clients while their proxy goes
// away. The SUB socket's monitor events are sent by libzmq's I/O thread
// with a blocking send; one sent after the monitor's reading socket was
// closed blocks that thread for good, and with it every TCP socket of the
// process's default context (libzmq issue 3575). Each round checks that a
// TCP round trip through the default context still works.
func TestClosingNeverWedgesTheIOThread(t *testing.T) {
	zctx, err := zmq.NewContext() // the fake proxy's: closing it must not depend on the context under test
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if !t.Failed() { // a stuck I/O thread would hang Term
			_ = zctx.Term()
		}
	})
	for round := range 60 {
		xpub, ep := bindXPub(t, zctx)
		c := New(testConfig("tcp://127.0.0.1:1", ep))
		if err := c.Subscribe(context.Background(), "geral"); err != nil {
			t.Fatal(err)
		}
		waitSubscribed(t, xpub)
		time.Sleep(time.Duration(round%6) * 100 * time.Microsecond) // sweep the race
		xpub.Close()
		c.Close()
		if err := defaultContextServesTCP(zctx); err != nil {
			t.Fatalf("round %d: the default context's I/O thread is stuck: %v", round, err)
		}
	}
}

func bindXPub(t *testing.T, zctx *zmq.Context) (*zmq.Socket, string) {
	t.Helper()
	ep, err := freeport.Endpoint()
	if err != nil {
		t.Fatal(err)
	}
	s, err := zctx.NewSocket(zmq.XPUB)
	if err != nil {
		t.Fatal(err)
	}
	_ = s.SetLinger(0)
	if err := s.Bind(ep); err != nil {
		t.Fatal(err)
	}
	return s, ep
}

// waitSubscribed waits for the client's subscription, which proves its
// connection is up and its monitor has seen the handshake.
func waitSubscribed(t *testing.T, xpub *zmq.Socket) {
	t.Helper()
	_ = xpub.SetRcvtimeo(5 * time.Second)
	if _, err := xpub.RecvBytes(0); err != nil {
		t.Fatalf("no subscription reached the fake proxy: %v", err)
	}
}

// defaultContextServesTCP makes one REQ/REP round trip over loopback TCP
// with the REQ in the default context (whose I/O thread the clients
// share) and the REP in zctx.
func defaultContextServesTCP(zctx *zmq.Context) error {
	ep, err := freeport.Endpoint()
	if err != nil {
		return err
	}
	rep, err := timedSocket(zctx.NewSocket, zmq.REP)
	if err != nil {
		return err
	}
	defer rep.Close()
	if err := rep.Bind(ep); err != nil {
		return err
	}
	req, err := timedSocket(zmq.NewSocket, zmq.REQ)
	if err != nil {
		return err
	}
	defer req.Close()
	if err := req.Connect(ep); err != nil {
		return err
	}
	if _, err := req.Send("ping", 0); err != nil {
		return err
	}
	if _, err := rep.Recv(0); err != nil {
		return fmt.Errorf("request not delivered: %w", err)
	}
	if _, err := rep.Send("pong", 0); err != nil {
		return err
	}
	if _, err := req.Recv(0); err != nil {
		return fmt.Errorf("reply not delivered: %w", err)
	}
	return nil
}

// timedSocket makes a socket that neither lingers nor waits more than 2 s
// to receive.
func timedSocket(newSocket func(zmq.Type) (*zmq.Socket, error), kind zmq.Type) (*zmq.Socket, error) {
	s, err := newSocket(kind)
	if err != nil {
		return nil, err
	}
	_ = s.SetLinger(0)
	_ = s.SetRcvtimeo(2 * time.Second)
	return s, nil
}
