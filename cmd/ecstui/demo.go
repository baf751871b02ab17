package main

import (
	"context"
	"time"

	"github.com/ecstui/ecstui/aws"
	"github.com/ecstui/ecstui/aws/sim"
	"github.com/ecstui/ecstui/aws/sim/wire"
	"github.com/ecstui/ecstui/config"
)

// demoRegion is the simulator's region.
const demoRegion = "us-east-1"

// demoEnv is the simulator --demo runs: a world advancing in real time and
// the wire server on a random loopback port.
type demoEnv struct {
	url    string
	srv    *wire.Server
	cancel context.CancelFunc
	done   chan struct{}
}

func (a *App) startDemoLocked() (*demoEnv, error) {
	if a.demo != nil {
		return a.demo, nil
	}
	world := sim.NewDemo(time.Now().UnixNano())
	srv := wire.New(world, wire.Options{Region: demoRegion})
	url, err := srv.Start("127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	d := &demoEnv{url: url, srv: srv, cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(d.done)
		world.Run(ctx)
	}()
	a.demo = d
	return d, nil
}

func (d *demoEnv) stop() {
	d.cancel()
	<-d.done
	_ = d.srv.Close()
}

// connect builds an adapter client for the simulator. Fixed dummy
// credentials and no shared config: the demo must never read the user's
// AWS profile or environment.
func (d *demoEnv) connect(ctx context.Context, readOnly bool) (*aws.Client, error) {
	return aws.New(ctx, demoAWSConfig(d.url, readOnly))
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
