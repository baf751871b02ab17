package logs

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/ecstui/ecstui/aws/awsapi"
)

// DefaultMaxLiveSessions bounds the live tail sessions one tail opens.
// CloudWatch allows stream names only with exactly one log group per session,
// so each group (and each 100 streams of it) needs its own session; accounts
// have a small quota of concurrent sessions (15 by default), so beyond this
// the engine polls instead.
const DefaultMaxLiveSessions = 10

// liveSet is the live tail sessions of one tail, fanned in.
type liveSet struct {
	sessions []awsapi.LiveTail
	out      chan liveMsg
	cancel   context.CancelFunc
	wg       sync.WaitGroup
	started  time.Time
}

type liveMsg struct {
	update awsapi.LiveTailUpdate
	end    bool
	err    error
}

// errTooManySessions is the fallback reason when a tail needs too many sessions.
type errTooManySessions struct{ need, max int }

func (e errTooManySessions) Error() string {
	return fmt.Sprintf("%d live tail sessions needed (one per log group and 100 streams), more than %d", e.need, e.max)
}

func startLive(ctx context.Context, c EventReader, groups map[string][]string, filter string, maxSessions int) (*liveSet, error) {
	names := make([]string, 0, len(groups))
	for g := range groups {
		names = append(names, g)
	}
	sort.Strings(names)
	var inputs []awsapi.LiveTailInput
	for _, g := range names {
		streams := groups[g]
		for i := 0; i < len(streams); i += maxStreamsPerFilter {
			end := min(i+maxStreamsPerFilter, len(streams))
			inputs = append(inputs, awsapi.LiveTailInput{Groups: []string{g}, StreamNames: streams[i:end], FilterPattern: filter})
		}
	}
	if len(inputs) > maxSessions {
		return nil, errTooManySessions{need: len(inputs), max: maxSessions}
	}
	ctx, cancel := context.WithCancel(ctx)
	ls := &liveSet{out: make(chan liveMsg, 64), cancel: cancel, started: time.Now()}
	for _, in := range inputs {
		s, err := c.StartLiveTail(ctx, in)
		if err != nil {
			ls.close()
			return nil, err
		}
		ls.sessions = append(ls.sessions, s)
	}
	for _, s := range ls.sessions {
		ls.wg.Add(1)
		go func() {
			defer ls.wg.Done()
			// Select on ctx too: a session whose Close does not end its
			// Updates channel must not keep this goroutine.
			for {
				var u awsapi.LiveTailUpdate
				var ok bool
				select {
				case u, ok = <-s.Updates():
				case <-ctx.Done():
					return
				}
				if !ok {
					break
				}
				select {
				case ls.out <- liveMsg{update: u}:
				case <-ctx.Done():
					return
				}
			}
			select {
			case ls.out <- liveMsg{end: true, err: s.Err()}:
			case <-ctx.Done():
			}
		}()
	}
	return ls, nil
}

func (ls *liveSet) close() {
	ls.cancel()
	for _, s := range ls.sessions {
		s.Close()
	}
	ls.wg.Wait()
}
