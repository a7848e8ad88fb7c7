package client

import (
	"log/slog"
	"time"
)

// Default endpoints and request policy.
const (
	DefaultBroker  = "tcp://127.0.0.1:5555"
	DefaultProxy   = "tcp://127.0.0.1:5558"
	DefaultTimeout = 2 * time.Second
	DefaultRetries = 3
	DefaultBackoff = 100 * time.Millisecond
)

// Config tells a Client where the cluster is and how hard to try.
type Config struct {
	Broker  string        // broker frontend (REQ connects here); DefaultBroker when empty
	Proxy   string        // proxy XPUB (SUB connects here); DefaultProxy when empty
	Timeout time.Duration // wait for one reply, per attempt; DefaultTimeout when 0
	Retries int           // attempts after the first; DefaultRetries when 0, none when negative
	Backoff time.Duration // pause before the first retry, doubling up to Timeout; DefaultBackoff when 0
	Logger  *slog.Logger  // discards when nil

	// Secure, when set, connects to the authenticated ports instead of
	// Broker and Proxy (which stay the open ports, where the access key is
	// asked for and a changed one diagnosed). nil: the open standard ports.
	Secure *Secure
}

func (c Config) withDefaults() Config {
	if c.Broker == "" {
		c.Broker = DefaultBroker
	}
	if c.Proxy == "" {
		c.Proxy = DefaultProxy
	}
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	c.Retries = retries(c.Retries)
	if c.Backoff <= 0 {
		c.Backoff = DefaultBackoff
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Secure != nil {
		s := *c.Secure // the caller's copy may change; ours may not
		s.Broker = orOffset(s.Broker, c.Broker, SecureBrokerOffset)
		s.Proxy = orOffset(s.Proxy, c.Proxy, SecureProxyOffset)
		c.Secure = &s
	}
	return c
}

// orOffset is endpoint, or when empty the open endpoint's port moved by
// offset (the standard layout); a bad open endpoint leaves it empty, and
// connecting then fails with a clear error.
func orOffset(endpoint, open string, offset int) string {
	if endpoint != "" {
		return endpoint
	}
	derived, _ := OffsetEndpoint(open, offset)
	return derived
}

// requestEndpoint is where the REQ socket connects.
func (c Config) requestEndpoint() string {
	if c.Secure != nil {
		return c.Secure.Broker
	}
	return c.Broker
}

// subscribeEndpoint is where the SUB socket connects.
func (c Config) subscribeEndpoint() string {
	if c.Secure != nil {
		return c.Secure.Proxy
	}
	return c.Proxy
}

func retries(n int) int {
	switch {
	case n == 0:
		return DefaultRetries
	case n < 0:
		return 0
	}
	return n
}

// attempts is the number of times one call is sent at most.
func (c Config) attempts() int { return c.Retries + 1 }

// backoff is the pause before retry number n (1-based).
func (c Config) backoff(n int) time.Duration {
	d := c.Backoff
	for i := 1; i < n && d < c.Timeout; i++ {
		d *= 2
	}
	return min(d, c.Timeout)
}
