package clienttest

import (
	"sync"
	"testing"

	zmq "github.com/pebbe/zmq4"

	"zchat/internal/auth"
	"zchat/internal/wire"
)

// The secure fakes stand for the broker's secure frontend and the proxy's
// secure XPUB: CURVE servers with an access key, in front of a ZAP
// handler that admits any CURVE client and names it by its public key
// (the User-Id metadata), as the cluster's users domain does.

var zapOnce sync.Once

// startZAP starts the process's ZAP handler once; it runs until the test
// binary exits (the ZAP endpoint of a context can be bound only once).
func startZAP(t testing.TB) {
	zapOnce.Do(func() {
		rep, err := zmq.NewSocket(zmq.REP)
		if err == nil {
			err = rep.Bind("inproc://zeromq.zap.01")
		}
		if err != nil {
			t.Fatalf("ZAP handler: %v", err)
		}
		go serveZAP(rep)
	})
}

// serveZAP answers every request: CURVE clients are admitted with their
// Z85 public key as User-Id, anything else refused.
func serveZAP(rep *zmq.Socket) {
	for {
		f, err := rep.RecvMessageBytes(0)
		if err != nil || len(f) < 6 {
			if err != nil {
				return
			}
			_, _ = rep.SendMessage("1.0", "", "400", "bad request", "", "")
			continue
		}
		if string(f[5]) != "CURVE" || len(f) < 7 || len(f[6]) != 32 {
			_, _ = rep.SendMessage("1.0", f[1], "400", "CURVE only", "", "")
			continue
		}
		_, _ = rep.SendMessage("1.0", f[1], "200", "OK", zmq.Z85encode(string(f[6])), "")
	}
}

// NewAccessKey makes a key for a secure fake.
func NewAccessKey(t testing.TB) auth.Key {
	t.Helper()
	k, err := auth.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// StartSecureServer is a Server on a CURVE socket with the access key:
// handle also gets the caller's public key (Z85), as the broker's secure
// frontend passes it to the servers.
func StartSecureServer(t testing.TB, access auth.Key, handle func(n int, req wire.Message, caller string) []byte) *Server {
	t.Helper()
	startZAP(t)
	sock := bindSecure(t, zmq.ROUTER, access)
	f := &Server{Endpoint: lastEndpoint(t, sock), done: make(chan struct{}), stopped: make(chan struct{}), secure: true}
	go f.serve(sock, handle)
	t.Cleanup(func() { close(f.done); <-f.stopped })
	return f
}

// StartSecurePublisher is a Publisher on a CURVE socket with the access key.
func StartSecurePublisher(t testing.TB, access auth.Key) *Publisher {
	t.Helper()
	startZAP(t)
	return startPublisher(t, bindSecure(t, zmq.PUB, access))
}

func bindSecure(t testing.TB, kind zmq.Type, access auth.Key) *zmq.Socket {
	t.Helper()
	sock, err := zmq.NewSocket(kind)
	if err != nil {
		t.Fatal(err)
	}
	_ = sock.SetLinger(0)
	if err := sock.ServerAuthCurve("zchat-test-users", access.Secret); err != nil {
		t.Fatal(err)
	}
	if err := sock.Bind("tcp://127.0.0.1:*"); err != nil {
		t.Fatal(err)
	}
	return sock
}
