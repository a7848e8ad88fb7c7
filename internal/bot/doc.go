// Package bot runs zchat's automatic clients, which follow the standard
// behaviour (a random user name; log in; forever pick a random existing
// channel and send it ten messages) and double as the load generator: one
// process runs many bots, at a set rate per bot or as fast as the
// acknowledgements come, and reports what was sent, acknowledged and
// refused, with rates and acknowledgement latencies.
//
// Every bot has its own client.Client for its requests by default, so its
// own REQ socket: a REQ socket has one request in flight, so bots sharing
// one would send one message at a time between them (Config.Shared
// measures that). Bots follow their own name, through one client shared by
// the process, and answer private messages with an echo, so that a person
// can see a bot reply.
package bot
