package bench

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"time"

	"zchat/internal/broker"
)

// Config describes one benchmark run.
type Config struct {
	Broker string // broker frontend of a running cluster (ignored with Spawn or Echo)
	Proxy  string // proxy XPUB of a running cluster (ignored with Spawn or Echo)

	// Open sends the load to the open standard ports. Otherwise it goes to
	// the authenticated ports (CURVE, an ephemeral key per socket) when the
	// target has them: a spawned cluster with a key, or a running one,
	// whose ports and access key are these (default: the standard layout
	// next to Broker and Proxy, and the key its open frontend names).
	Open         bool
	SecureBroker string
	SecureProxy  string
	ServerKey    string

	Clients      int           // concurrent clients, one REQ socket each
	Mix          Mix           // what the clients send
	Size         int           // bytes of each posted or sent message
	Duration     time.Duration // measured time; ignored when Requests > 0
	Requests     int64         // measured requests in all; 0: run for Duration
	Warmup       time.Duration // load before measuring
	Subscribers  int           // SUB sockets measuring publish-to-delivery latency
	Rate         float64       // requests per second of all clients together; 0: as fast as possible
	Channels     int           // channels the clients post to and read
	Prefix       string        // user and channel names start with it
	HistoryLimit int           // messages per history request
	Timeout      time.Duration // wait for one reply, per attempt
	Retries      int           // attempts after the first before a request counts as an error

	Echo    bool         // measure the transport bound instead of a cluster
	Flood   bool         // measure fairness: one paced client alone, then beside a flooder (flood.go)
	EchoRaw bool         // echo workers without transport.Responder (one request at a time)
	Spawn   *SpawnConfig // start a cluster (or, with Echo, the echo target) for the run

	Label    string       // free text carried into the report
	Args     []string     // the command line, carried into the report
	Logger   *slog.Logger // progress of the setup; discards when nil
	Progress io.Writer    // live progress line (a terminal); none when nil
}

// SpawnConfig describes a target started for the run as child processes.
type SpawnConfig struct {
	Exe          string   // the zchat binary
	Servers      int      // servers (or echo workers), named s1..sN
	SyncReplicas int      // passed to every server as --sync-replicas
	ServerArgs   []string // more flags for every server
	ServerEnv    []string // more environment variables (KEY=VALUE) for every server
	DataDir      string   // parent of the data directories; "": a temporary one, removed after
	InProcess    bool     // Echo only: run the broker and workers as goroutines of this process

	// BrokerLimits are the spawned broker's limits, always passed
	// explicitly; nil: no rate limit, since closed-loop clients send
	// hundreds of requests/s each, far over the default per-connection
	// rate (the flood run sets broker.DefaultLimits).
	BrokerLimits *broker.Limits

	Fill      int    // posts to store in every server's data directory before it starts
	FillCache string // keep the filled database here for later runs; "": build it every time

	// Catchup starts the last server with an empty data directory after the
	// others are up and measures how long it takes to hold the Fill posts.
	Catchup bool

	Kill      string        // server to SIGKILL during the measurement (failover trial)
	KillAfter time.Duration // when, from the start of the measurement

	Perf string // write a perf CPU profile of the servers during the measurement here

	// InsecureCluster runs the member links open instead of with a key
	// made for the run, to measure what authentication costs.
	InsecureCluster bool
}

// Defaults for the fields a caller leaves zero.
const (
	DefaultClients      = 8
	DefaultSize         = 200
	DefaultDuration     = 10 * time.Second
	DefaultChannels     = 8
	DefaultPrefix       = "bench"
	DefaultHistoryLimit = 100
	DefaultTimeout      = 2 * time.Second
	DefaultRetries      = 3
)

func (c *Config) defaults() {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&c.Clients, DefaultClients)
	def(&c.Size, DefaultSize)
	def(&c.Channels, DefaultChannels)
	def(&c.HistoryLimit, DefaultHistoryLimit)
	if c.Duration <= 0 && c.Requests <= 0 {
		c.Duration = DefaultDuration
	}
	if c.Prefix == "" {
		c.Prefix = DefaultPrefix
	}
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	if c.Retries < 0 {
		c.Retries = 0
	}
	if c.Mix.total == 0 {
		c.Mix, _ = ParseMix("publish=100")
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Flood {
		c.floodDefaults()
	}
}

// floodDefaults: the paced client's rate, and a spawned broker with its
// default limits, written out.
func (c *Config) floodDefaults() {
	if c.Rate <= 0 {
		c.Rate = DefaultFloodRate
	}
	if c.Spawn != nil && c.Spawn.BrokerLimits == nil {
		l := broker.DefaultLimits
		c.Spawn.BrokerLimits = &l
	}
}

func (c *Config) validate() error {
	s := c.Spawn
	switch {
	case s == nil && !c.Echo && c.Broker == "":
		return errors.New("no target: give a broker endpoint, --spawn or --echo")
	case s != nil && s.Servers < 1:
		return errors.New("need at least one server")
	case s != nil && s.Catchup && (s.Fill <= 0 || s.Servers < 2):
		return errors.New("catch-up needs --fill and at least two servers")
	case s != nil && s.Kill != "" && s.KillAfter <= 0:
		return errors.New("--kill needs --kill-after")
	case c.Echo && s != nil && (s.Fill > 0 || s.Catchup || s.Kill != ""):
		return errors.New("--echo has no servers to fill, catch up or kill")
	case s != nil && !s.InProcess && s.Exe == "":
		return errors.New("spawning needs the zchat binary")
	case c.Rate < 0:
		return fmt.Errorf("rate %v: must not be negative", c.Rate)
	case c.Flood && (c.Echo || s == nil || s.Fill > 0 || s.Catchup || s.Kill != ""):
		return errors.New("--flood runs against a spawned cluster (--spawn), without --echo, --fill, --catchup or --kill")
	}
	return nil
}

// brokerArgs are the limit flags of the spawned broker.
func (s *SpawnConfig) brokerArgs() []string {
	l := broker.Limits{MaxFrame: broker.DefaultLimits.MaxFrame}
	if s.BrokerLimits != nil {
		l = *s.BrokerLimits
	}
	return []string{"--rate-limit", strconv.FormatFloat(l.RatePerSecond, 'g', -1, 64),
		"--rate-burst", strconv.Itoa(l.Burst), "--max-frame", strconv.Itoa(l.MaxFrame)}
}
