package main

import "context"

// Placeholders until the client library lands.
type (
	LoginCmd    struct{}
	UsersCmd    struct{}
	ChannelsCmd struct{}
	CreateCmd   struct{}
	PostCmd     struct{}
	SendCmd     struct{}
	HistoryCmd  struct{}
)

func (c *LoginCmd) Run(ctx context.Context, g *Globals) error    { return errNotYet }
func (c *UsersCmd) Run(ctx context.Context, g *Globals) error    { return errNotYet }
func (c *ChannelsCmd) Run(ctx context.Context, g *Globals) error { return errNotYet }
func (c *CreateCmd) Run(ctx context.Context, g *Globals) error   { return errNotYet }
func (c *PostCmd) Run(ctx context.Context, g *Globals) error     { return errNotYet }
func (c *SendCmd) Run(ctx context.Context, g *Globals) error     { return errNotYet }
func (c *HistoryCmd) Run(ctx context.Context, g *Globals) error  { return errNotYet }
