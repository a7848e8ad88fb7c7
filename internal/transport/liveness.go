package transport

import (
	"time"

	zmq "github.com/pebbe/zmq4"
)

// SetLiveness makes a dead peer visible within about a second (ZMTP
// heartbeats) and reconnects quickly, so restarts of brokers, proxies and
// peers heal by themselves.
func SetLiveness(s *zmq.Socket) {
	s.SetLinger(time.Second)
	s.SetReconnectIvl(100 * time.Millisecond)
	s.SetReconnectIvlMax(time.Second)
	s.SetHeartbeatIvl(250 * time.Millisecond)
	s.SetHeartbeatTimeout(time.Second)
	s.SetHeartbeatTtl(2 * time.Second)
}
