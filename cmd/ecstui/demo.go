package main

import (
	"context"
	"sync"
	"time"

	"github.com/ecstui/ecstui/aws"
	"github.com/ecstui/ecstui/aws/sim"
	"github.com/ecstui/ecstui/aws/sim/wire"
	"github.com/ecstui/ecstui/config"
)

// demoRegion is the simulator's region.
const demoRegion = "us-east-1"

// demoEnv is the simulator --demo runs: two accounts (the demo and its
// eu-west-1 sibling), each a world advancing in real time behind a wire
// server on a random loopback port.
type demoEnv struct {
	url    string // the first account's endpoint
	srv    *wire.Server
	euURL  string
	euSrv  *wire.Server
	cancel context.CancelFunc
	done   sync.WaitGroup
}

func (a *App) startDemoLocked() (*demoEnv, error) {
	if a.demo != nil {
		return a.demo, nil
	}
	seed := time.Now().UnixNano()
	// Each world plays minutes of history before it opens: build both at once.
	var us, eu *sim.World
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); us = sim.NewDemo(seed) }()
	go func() { defer wg.Done(); eu = sim.NewDemoEU(seed + 1) }()
	wg.Wait()
	ctx, cancel := context.WithCancel(context.Background())
	d := &demoEnv{cancel: cancel}
	var err error
	if d.srv, d.url, err = serveWorld(us); err != nil {
		cancel()
		return nil, err
	}
	if d.euSrv, d.euURL, err = serveWorld(eu); err != nil {
		cancel()
		_ = d.srv.Close()
		return nil, err
	}
	for _, w := range []*sim.World{us, eu} {
		d.done.Add(1)
		go func() {
			defer d.done.Done()
			w.Run(ctx)
		}()
	}
	a.demo = d
	return d, nil
}

func serveWorld(w *sim.World) (*wire.Server, string, error) {
	srv := wire.New(w, wire.Options{Region: w.Region(), AccountID: w.AccountID()})
	url, err := srv.Start("127.0.0.1:0")
	return srv, url, err
}

func (d *demoEnv) stop() {
	d.cancel()
	d.done.Wait()
	_ = d.srv.Close()
	_ = d.euSrv.Close()
}

// connect builds an adapter client for the first demo account.
func (d *demoEnv) connect(ctx context.Context, readOnly bool) (*aws.Client, error) {
	return aws.New(ctx, demoAWSConfig(d.url, readOnly))
}

// connectTo builds an adapter client for a demo context (either account).
// Fixed dummy credentials and no shared config: the demo must never read
// the user's AWS profile or environment.
func (d *demoEnv) connectTo(ctx context.Context, c config.Context, readOnly bool) (*aws.Client, error) {
	cfg := demoAWSConfig(c.EndpointURL, readOnly)
	cfg.Region = c.Region
	return aws.New(ctx, cfg)
}

func demoAWSConfig(url string, readOnly bool) aws.Config {
	return aws.Config{
		Region:            demoRegion,
		EndpointURL:       url,
		ReadOnly:          readOnly,
		StaticCredentials: &aws.StaticCredentials{AccessKeyID: "AKIDECSTUIDEMO", SecretAccessKey: "demo"},
	}
}

func demoContext(url string) config.Context {
	return config.Context{Name: "demo", Region: demoRegion, EndpointURL: url}
}

// demoContexts are both demo accounts, the first one current.
func (d *demoEnv) contexts() []config.Context {
	return []config.Context{demoContext(d.url), {Name: "demo-eu", Region: sim.DemoEURegion, EndpointURL: d.euURL}}
}
