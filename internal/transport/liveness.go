package transport

import (
	"time"

	zmq "github.com/pebbe/zmq4"

	"zchat/internal/zmqx"
)

// SetLiveness makes a dead peer visible within about a second (ZMTP
// heartbeats) and reconnects quickly, so restarts of brokers, proxies and
// peers heal by themselves.
func SetLiveness(s *zmq.Socket) {
	zmqx.Apply(s, zmqx.Options{Linger: time.Second, Heartbeat: zmqx.DefaultHeartbeat})
	s.SetReconnectIvl(100 * time.Millisecond)
	s.SetReconnectIvlMax(time.Second)
}
