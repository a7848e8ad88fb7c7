package tui

import (
	"context"
	"errors"

	tea "github.com/charmbracelet/bubbletea"
)

// Run shows the interface on the terminal until /quit, Ctrl-C or the end
// of ctx.
func Run(ctx context.Context, c Client, opts Options, progOpts ...tea.ProgramOption) error {
	progOpts = append([]tea.ProgramOption{tea.WithAltScreen(), tea.WithContext(ctx)}, progOpts...)
	_, err := tea.NewProgram(New(ctx, c, opts), progOpts...).Run()
	if errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil {
		return nil
	}
	return err
}
