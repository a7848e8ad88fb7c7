package tui

import (
	"context"

	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"zchat/internal/client"
)

// Model is the Bubble Tea model of the interface. Its state lives in plain
// types (state, link, completion); Update routes events to them and turns
// user actions into requests.
type Model struct {
	ctx     context.Context
	c       Client
	opts    Options
	st      *state
	input   textinput.Model
	comp    completion
	link    link
	lastErr string
	pending map[int]bool // requests sent and not answered yet
	seq     int
	width   int
	height  int
}

// New returns the model; it logs in as opts.User at once when set, else it
// asks for a user name. ctx bounds every request.
func New(ctx context.Context, c Client, opts Options) *Model {
	in := textinput.New()
	in.Prompt = "user name: "
	in.CharLimit = 4096
	in.Focus()
	m := &Model{ctx: ctx, c: c, opts: opts.withDefaults(), st: newState(), input: in, pending: map[int]bool{}}
	m.st.note("Welcome to zchat. Type your user name and press Enter.")
	return m
}

func (m *Model) loggedIn() bool { return m.st.me != "" }

// Init starts the login given in the options, if any.
func (m *Model) Init() tea.Cmd {
	if m.opts.User == "" {
		return textinput.Blink
	}
	return m.loginCmd(m.opts.User)
}

// Update handles one event.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.resize(msg.Width, msg.Height)
	case tea.KeyMsg:
		return m, m.key(msg)
	case replyMsg:
		return m, m.reply(msg)
	case stalledMsg:
		if m.pending[msg.seq] {
			m.link = m.link.stalled(m.opts.Timeout)
		}
	case incomingMsg:
		return m, m.incoming(msg.msgs)
	case refreshMsg:
		return m, tea.Batch(m.usersCmd(false), m.channelsCmd(false), refreshAfter(m.opts.Refresh))
	}
	return m, nil
}

func (m *Model) resize(w, h int) {
	m.width, m.height = w, h
	m.input.Width = max(w-len(m.input.Prompt)-1, 1)
}

// fail records an error for the status line and the active conversation.
func (m *Model) fail(err error) {
	m.lastErr = err.Error()
	m.st.note("error: " + m.lastErr)
}

// incoming shows live messages and loads the history of the private
// conversations they open.
func (m *Model) incoming(msgs []client.Message) tea.Cmd {
	cmds := []tea.Cmd{listen(m.c.Messages())}
	for _, msg := range msgs {
		if c := m.st.receive(msg); c != nil {
			cmds = append(cmds, m.historyCmd(c, m.opts.Backlog, "", false))
		}
	}
	return tea.Batch(cmds...)
}
