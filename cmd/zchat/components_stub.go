package main

import (
	"context"
	"errors"
)

var errNotYet = errors.New("not implemented yet")

// BrokerCmd runs the broker. (placeholder until internal/broker lands)
type BrokerCmd struct{}

func (c *BrokerCmd) Run(ctx context.Context, g *Globals) error { return errNotYet }

// ProxyCmd runs the proxy. (placeholder)
type ProxyCmd struct{}

func (c *ProxyCmd) Run(ctx context.Context, g *Globals) error { return errNotYet }

// ReferenceCmd runs the reference. (placeholder)
type ReferenceCmd struct{}

func (c *ReferenceCmd) Run(ctx context.Context, g *Globals) error { return errNotYet }

// UpCmd runs a local cluster. (placeholder)
type UpCmd struct{}

func (c *UpCmd) Run(ctx context.Context, g *Globals) error { return errNotYet }
