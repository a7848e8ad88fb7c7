package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/mattn/go-isatty"

	"zchat/internal/bench"
)

// BenchCmd is the load generator: against a running cluster, a cluster it
// starts (--spawn), or the transport bound (--echo).
type BenchCmd struct {
	Broker string `default:"tcp://127.0.0.1:5555" help:"Broker frontend of a running cluster."`
	Proxy  string `default:"tcp://127.0.0.1:5558" help:"Proxy XPUB of a running cluster (for --subscribers)."`

	Open         bool   `help:"Load the open standard ports. By default clients and subscribers use the authenticated ports, each socket with an ephemeral key (--echo and --flood always use the open ports)."`
	SecureBroker string `help:"The running cluster's authenticated broker frontend (default: --broker's port + 5)."`
	SecureProxy  string `help:"The running cluster's authenticated proxy XPUB (default: --proxy's port + 3)."`
	ServerKey    string `help:"The running cluster's access public key (default: the one its open frontend names)."`

	Spawn        bool     `help:"Start a cluster of child processes on free ports (reference, broker, proxy, --servers servers) with a temporary data directory."`
	Echo         bool     `help:"Measure the transport bound: the same broker in front of --servers echo workers that answer at once without decoding, storing or publishing."`
	EchoRaw      bool     `help:"With --echo: workers answer in their receive loop, one request at a time, without the server's transport.Responder (the bound of libzmq and the broker alone)."`
	Flood        bool     `help:"Fairness: one client publishing at --rate (default 20/s) measured alone, then beside a client flooding the broker (a DEALER with 1000 requests in flight); needs --spawn, whose broker gets its default limits. Prints a BENCHMARKS.md section."`
	InProcess    bool     `name:"inproc" help:"With --echo: run the broker and echo workers in this process instead of as child processes."`
	Servers      int      `default:"3" help:"Servers (or echo workers) to start."`
	SyncReplicas int      `default:"0" help:"--sync-replicas of the spawned servers."`
	ServerArg    []string `help:"Extra flag for every spawned server (repeatable)."`
	ServerEnv    []string `help:"Extra environment variable KEY=VALUE for every spawned server (repeatable), e.g. GOMAXPROCS=1."`
	Data         string   `type:"path" help:"Parent of the spawned data directories (default: a temporary directory, removed after)."`

	Clients      int           `default:"8" help:"Concurrent clients, one REQ socket each."`
	Mix          string        `default:"publish=100" help:"Weighted workload, e.g. publish=80,message=15,history=5 (also login, users, channels)."`
	Size         int           `default:"200" help:"Message size in bytes."`
	Duration     time.Duration `default:"10s" help:"Measured time (with --catchup: the longest wait)."`
	Requests     int64         `help:"Measured requests in all, instead of --duration."`
	Warmup       time.Duration `default:"1s" help:"Load before measuring."`
	Subscribers  int           `help:"Subscribers measuring publish-to-delivery latency."`
	Rate         float64       `help:"Requests per second of all clients together (0: as fast as they can)."`
	Channels     int           `default:"8" help:"Channels the clients post to and read."`
	HistoryLimit int           `default:"100" help:"Messages per history request."`
	Timeout      time.Duration `default:"2s" help:"Wait for one reply before retrying on a fresh socket."`
	Retries      int           `default:"3" help:"Retries before a request counts as an error."`

	Fill      int           `help:"With --spawn: posts stored in every server's data directory before it starts (spread over --channels)."`
	FillCache string        `type:"path" help:"Keep the filled database here and reuse it in later runs."`
	Catchup   bool          `help:"With --spawn --fill: start the last server empty once the others run and time its catch-up."`
	Kill      string        `help:"With --spawn: SIGKILL this server (or \"coordinator\") during the measurement."`
	KillAfter time.Duration `default:"3s" help:"When --kill strikes, from the start of the measurement."`
	Perf      string        `type:"path" help:"With --spawn: write a perf CPU profile of the servers during the measurement to this file."`

	InsecureCluster bool `help:"With --spawn or --echo: run the spawned member links open instead of with a cluster key made for the run (to measure what authentication costs)."`

	JSON   bool   `help:"Print one JSON object at the end instead of text."`
	Label  string `help:"Free text carried into the report."`
	Render string `type:"existingfile" help:"Print BENCHMARKS.md from a file of earlier --json reports (one per line) instead of running."`

	EchoWorker string `hidden:"" help:"Serve as an echo worker connected to this broker backend."`
	EchoName   string `hidden:"" default:"echo" help:"Name in an echo worker's replies."`

	FloodWorker  string `hidden:"" help:"Serve as the flooding client of --flood against this broker frontend."`
	FloodUser    string `hidden:"" help:"User the flooding client posts as."`
	FloodChannel string `hidden:"" help:"Channel the flooding client posts to."`
	EchoKey      string `hidden:"" type:"path" help:"An echo worker's cluster key file (none: the backend is open)."`
}

func (c *BenchCmd) Run(ctx context.Context, g *Globals) error {
	log := g.Logger("bench")
	switch {
	case c.EchoWorker != "":
		return c.serveEcho(ctx, log)
	case c.FloodWorker != "":
		return bench.ServeFlood(ctx, c.FloodWorker, c.FloodUser, c.FloodChannel, os.Stdout)
	case c.Render != "":
		return bench.RenderFile(c.Render, os.Stdout)
	}
	cfg, err := c.config()
	if err != nil {
		return err
	}
	cfg.Logger = log
	if !c.JSON && isatty.IsTerminal(os.Stderr.Fd()) {
		cfg.Progress = os.Stderr
	}
	rep, err := bench.Run(ctx, cfg)
	if err != nil {
		return err
	}
	if c.JSON {
		return rep.WriteJSON(os.Stdout)
	}
	return rep.WriteText(os.Stdout)
}

// serveEcho runs an echo worker, a member of the spawning bench's cluster.
func (c *BenchCmd) serveEcho(ctx context.Context, log *slog.Logger) error {
	flags := ClusterFlags{ClusterKey: c.EchoKey, InsecureCluster: c.EchoKey == ""}
	cluster, err := flags.cluster(slog.New(slog.DiscardHandler)) // the spawner chose open or not
	if err != nil {
		return err
	}
	if c.EchoRaw {
		return bench.ServeEchoRaw(ctx, c.EchoWorker, c.EchoName, cluster)
	}
	return bench.ServeEcho(ctx, c.EchoWorker, c.EchoName, cluster, log)
}

func (c *BenchCmd) config() (bench.Config, error) {
	if !c.Spawn && (c.Fill > 0 || c.Catchup || c.Kill != "" || c.Perf != "") {
		return bench.Config{}, fmt.Errorf("--fill, --catchup, --kill and --perf need --spawn")
	}
	mix, err := bench.ParseMix(c.Mix)
	if err != nil {
		return bench.Config{}, err
	}
	cfg := bench.Config{
		Broker: c.Broker, Proxy: c.Proxy, Open: c.Open, SecureBroker: c.SecureBroker, SecureProxy: c.SecureProxy, ServerKey: c.ServerKey,
		Clients: c.Clients, Mix: mix, Size: c.Size,
		Duration: c.Duration, Requests: c.Requests, Warmup: c.Warmup, Subscribers: c.Subscribers,
		Rate: c.Rate, Channels: c.Channels, HistoryLimit: c.HistoryLimit, Timeout: c.Timeout,
		Retries: c.Retries, Echo: c.Echo, EchoRaw: c.EchoRaw, Flood: c.Flood, Label: c.Label, Args: os.Args[1:],
	}
	if c.Spawn || c.Echo {
		exe, err := os.Executable()
		if err != nil {
			return cfg, fmt.Errorf("find the zchat binary: %w", err)
		}
		cfg.Spawn = &bench.SpawnConfig{
			Exe: exe, Servers: c.Servers, SyncReplicas: c.SyncReplicas, ServerArgs: c.ServerArg, ServerEnv: c.ServerEnv,
			DataDir: c.Data, InProcess: c.InProcess, Fill: c.Fill, FillCache: c.FillCache,
			Catchup: c.Catchup, Kill: c.Kill, KillAfter: c.KillAfter, Perf: c.Perf,
			InsecureCluster: c.InsecureCluster,
		}
	}
	return cfg, nil
}
