package main

import "context"

// ServerCmd runs a server replica. (placeholder)
type ServerCmd struct{}

func (c *ServerCmd) Run(ctx context.Context, g *Globals) error { return errNotYet }
