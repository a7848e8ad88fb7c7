// Command zchat is the single binary of the zchat system: one subcommand per
// component (broker, proxy, reference, server, up) and per client action.
// main only parses flags and wires packages together; behaviour lives in
// internal/.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/alecthomas/kong"

	"zchat/internal/termtext"
)

// CLI is the command-line contract relied on by operators, scripts and the
// compose file. Every flag can also be set as ZCHAT_<FLAG>.
type CLI struct {
	Globals

	Up        UpCmd        `cmd:"" help:"Run a whole local cluster (reference, broker, proxy, servers, bots) as child processes."`
	Broker    BrokerCmd    `cmd:"" help:"Run the request broker (ROUTER for clients, DEALER for servers)."`
	Proxy     ProxyCmd     `cmd:"" help:"Run the publication proxy (XSUB for servers, XPUB for subscribers)."`
	Reference ReferenceCmd `cmd:"" help:"Run the server registry (rank, list, heartbeat)."`
	Server    ServerCmd    `cmd:"" help:"Run a chat server replica."`
	Status    StatusCmd    `cmd:"" help:"Show every server's coordinator, clock and peers, and whether they agree."`
	Health    HealthCmd    `cmd:"" help:"Ask a component's /healthz (its --metrics address); exit 1 unless healthy. For container health checks."`
	Keygen    KeygenCmd    `cmd:"" help:"Write a new cluster key: the file every member (broker, proxy, reference, servers, status) needs."`
	AccessKey AccessKeyCmd `cmd:"" name:"access-key" help:"Print the cluster's access public key (derived from the cluster key), which users pin with --server-key."`

	Login    LoginCmd    `cmd:"" help:"Log in as a user (registers the name)."`
	Users    UsersCmd    `cmd:"" help:"List registered users."`
	Channels ChannelsCmd `cmd:"" help:"List channels."`
	Create   CreateCmd   `cmd:"" help:"Create a channel."`
	Post     PostCmd     `cmd:"" help:"Post a message to a channel."`
	Send     SendCmd     `cmd:"" help:"Send a private message to a user."`
	History  HistoryCmd  `cmd:"" help:"Show stored posts of a channel or private messages of a user."`
	Tail     TailCmd     `cmd:"" help:"Print the live posts of a channel or private messages of a user (CHANNEL or @USER) until interrupted."`
	Client   ClientCmd   `cmd:"" help:"Interactive terminal client: full-screen UI by default, the numbered menu of the original with --plain."`
	Bot      BotCmd      `cmd:"" help:"Run bots: the standard automatic clients, and the load generator (--count, --rate, --report)."`
	Bench    BenchCmd    `cmd:"" help:"Load generator and performance report: a running cluster, one it spawns (--spawn), or the transport bound (--echo)."`

	Conformance ConformanceCmd `cmd:"" help:"Check any implementation of the standard from the outside, as a third-party client (table of pass/fail/warn; exit 1 on failure)."`
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var cli CLI
	kctx := kong.Parse(&cli,
		kong.Name("zchat"),
		kong.Description("zchat: a distributed chat over ZeroMQ and MessagePack."),
		kong.UsageOnError(),
		kong.DefaultEnvars("ZCHAT"),
		kong.BindTo(ctx, (*context.Context)(nil)),
		kong.Bind(&cli.Globals),
	)
	if err := kctx.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "zchat:", termtext.Clean(err.Error()))
		os.Exit(1)
	}
}
