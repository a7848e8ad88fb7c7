package tui

import (
	"fmt"
	"strconv"
	"strings"
)

// maxHistory is the largest /history the servers answer in one page.
const maxHistory = 1000

// command is one parsed input line.
type command struct {
	name string // a command below, or "say" for plain text
	arg  string // channel or user
	text string // message text
	n    int    // /history count
}

// commands are the IRC-style commands, with their usage, in help order.
var commands = []struct{ name, usage string }{
	{"join", "/join CHANNEL      follow a channel (its recent posts show)"},
	{"create", "/create CHANNEL    create a channel and join it"},
	{"msg", "/msg USER TEXT     send a private message"},
	{"users", "/users             list registered users"},
	{"channels", "/channels          list channels"},
	{"history", "/history [N]       show the last N stored messages here (default 50)"},
	{"part", "/part              leave this channel or close this conversation"},
	{"help", "/help              this text"},
	{"quit", "/quit              exit"},
}

// parse reads an input line. Text not starting with "/" is a message for
// the active conversation; "//" escapes a leading slash. An empty line is
// the command "" (nothing to do).
func parse(line string) (command, error) {
	line = strings.TrimSpace(line)
	switch {
	case line == "":
		return command{}, nil
	case strings.HasPrefix(line, "//"):
		return command{name: "say", text: line[1:]}, nil
	case !strings.HasPrefix(line, "/"):
		return command{name: "say", text: line}, nil
	}
	name, rest, _ := strings.Cut(line[1:], " ")
	return parseArgs(strings.ToLower(name), strings.TrimSpace(rest))
}

func parseArgs(name, rest string) (command, error) {
	c := command{name: name}
	switch name {
	case "join", "create":
		c.arg = strings.TrimPrefix(rest, "#")
		return c, need(c.arg != "" && !strings.Contains(c.arg, " "), "/%s CHANNEL", name)
	case "msg":
		user, text, _ := strings.Cut(rest, " ")
		c.arg, c.text = strings.TrimPrefix(user, "@"), strings.TrimSpace(text)
		return c, need(c.arg != "" && c.text != "", "/msg USER TEXT")
	case "history":
		return parseHistory(rest)
	case "quit", "exit":
		c.name = "quit"
		return c, nil
	case "users", "channels", "part", "help":
		return c, nil
	}
	return c, fmt.Errorf("unknown command /%s (try /help)", name)
}

func parseHistory(rest string) (command, error) {
	c := command{name: "history", n: 50}
	if rest == "" {
		return c, nil
	}
	n, err := strconv.Atoi(rest)
	if err != nil || n < 1 || n > maxHistory {
		return c, fmt.Errorf("usage: /history [N], N from 1 to %d", maxHistory)
	}
	c.n = n
	return c, nil
}

func need(ok bool, usage string, args ...any) error {
	if ok {
		return nil
	}
	return fmt.Errorf("usage: "+usage, args...)
}
