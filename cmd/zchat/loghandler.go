package main

import "log/slog"

// subModules keeps one `component` key per log line: the process logger
// carries component=<subcommand>, and packages that derive their own
// logger with With("component", "store") are written as module=store.
type subModules struct{ slog.Handler }

func (h subModules) WithAttrs(attrs []slog.Attr) slog.Handler {
	renamed := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		if a.Key == "component" {
			a.Key = "module"
		}
		renamed[i] = a
	}
	return subModules{h.Handler.WithAttrs(renamed)}
}

func (h subModules) WithGroup(name string) slog.Handler {
	return subModules{h.Handler.WithGroup(name)}
}
