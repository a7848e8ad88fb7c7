package main

import (
	"log/slog"
	"os"
)

// Globals are the flags every subcommand shares.
type Globals struct {
	LogLevel  slog.Level `help:"Log level (debug, info, warn, error)." default:"info"`
	LogFormat string     `help:"Log format." enum:"text,json" default:"text"`
}

// Logger returns the process logger, tagged with the component name.
func (g *Globals) Logger(component string) *slog.Logger {
	opts := &slog.HandlerOptions{Level: g.LogLevel}
	var h slog.Handler = slog.NewTextHandler(os.Stderr, opts)
	if g.LogFormat == "json" {
		h = slog.NewJSONHandler(os.Stderr, opts)
	}
	return slog.New(subModules{h.WithAttrs([]slog.Attr{slog.String("component", component)})})
}
