package sim

import (
	"fmt"
	"strings"
	"time"

	"github.com/ecstui/ecstui/model"
)

// writeLogs lets every running container with an awslogs stream write about
// w.logRate lines a minute, each stamped when it was due (less up to 300 ms
// of jitter), so a tick can carry many lines at high rates and streams
// interleave slightly out of order.
func (w *World) writeLogs() {
	if w.logRate <= 0 {
		return
	}
	every := time.Duration(float64(time.Minute) / w.logRate)
	for _, name := range w.clusterOrder {
		c := w.clusters[name]
		for _, id := range c.taskOrder {
			t := c.tasks[id]
			if t == nil || t.lastStatus != model.StatusRunning {
				continue
			}
			for _, k := range t.containers {
				if k.logStream == "" || k.status != model.StatusRunning {
					continue
				}
				for n := 0; !w.now.Before(k.nextLogAt) && n < maxLinesPerTick; n++ {
					ts := k.nextLogAt.Add(-time.Duration(w.logRand.IntN(300)) * time.Millisecond)
					w.logs.put(k.logGroup, k.logStream, ts, w.logLine(k, t))
					k.lines++
					step := 50 * time.Millisecond // the start-up burst
					if k.lines > 3 {
						step = every/2 + time.Duration(w.logRand.Int64N(int64(every)+1))
					}
					k.nextLogAt = k.nextLogAt.Add(step)
				}
				if w.now.Sub(k.nextLogAt) > time.Second {
					k.nextLogAt = w.now // fell behind the cap: skip ahead rather than replay
				}
			}
		}
	}
}

// maxLinesPerTick caps one container's lines per tick.
const maxLinesPerTick = 20000

var (
	paths   = []string{"/", "/health", "/api/v1/login", "/api/v1/token", "/random/", "/discover.php", "/viz/", "/api/v1/users/42", "/static/app.js"}
	agents  = []string{"ELB-HealthChecker/2.0", "Mozilla/5.0 (X11; Linux x86_64)", "curl/8.5.0", "python-requests/2.31"}
	levels  = []string{"info", "info", "info", "info", "debug", "warn", "error"}
	msgs    = []string{"request completed", "token issued", "cache miss", "upstream slow", "connection reset by peer", "user authenticated", "rate limit near", "retrying request"}
	pgLines = []string{"LOG:  checkpoint starting: time", "LOG:  checkpoint complete: wrote 42 buffers (0.3%)", "LOG:  automatic vacuum of table \"delivery.public.jobs\"", "ERROR:  duplicate key value violates unique constraint \"users_pkey\""}
)

// logLine invents one plausible line for a container, by what its image is.
// About one line in 40 carries ANSI colour and one in 150 a terminal title
// escape (OSC 0), so the viewer's sanitiser has something to do.
func (w *World) logLine(k *container, t *task) string {
	r := w.logRand
	if k.lines > 0 && r.IntN(150) == 0 {
		return "GET /?q=\x1b]0;you have been pwned\x07 HTTP/1.1 400 - hostile user agent \x1b[2J"
	}
	if k.lines < 3 {
		return []string{
			fmt.Sprintf("starting %s (image %s)", k.name, k.image),
			fmt.Sprintf("listening on 0.0.0.0:%d", firstPort(k)),
			"ready to accept connections",
		}[k.lines]
	}
	if r.IntN(40) == 0 {
		return fmt.Sprintf("\x1b[32mINFO\x1b[0m  [%s] \x1b[1m%s\x1b[0m in %dms", k.name, msgs[r.IntN(len(msgs))], 1+r.IntN(300))
	}
	img := k.image
	switch {
	case strings.Contains(img, "postgres"):
		return pgLines[r.IntN(len(pgLines))]
	case strings.Contains(img, "nginx") || strings.Contains(img, "playground") || strings.Contains(img, "corkhounds"):
		return fmt.Sprintf("10.0.%d.%d - - [%s] \"GET %s HTTP/1.1\" %d %d \"-\" \"%s\"",
			r.IntN(64), 2+r.IntN(250), w.now.Format("02/Jan/2006:15:04:05 -0700"), paths[r.IntN(len(paths))],
			[]int{200, 200, 200, 200, 301, 404, 502}[r.IntN(7)], 100+r.IntN(9000), agents[r.IntN(len(agents))])
	case strings.Contains(img, "logspout"):
		return fmt.Sprintf("# logspout v3.2.14 by gliderlabs; forwarded %d lines from %d containers", 100+r.IntN(5000), 2+r.IntN(8))
	case strings.Contains(img, "rabbitmq") || strings.Contains(img, "elasticsearch"):
		return fmt.Sprintf("%s [%s] %s", w.now.Format("2006-01-02 15:04:05.000"), strings.ToUpper(levels[r.IntN(len(levels))]), msgs[r.IntN(len(msgs))])
	}
	return fmt.Sprintf(`{"time":%q,"level":%q,"msg":%q,"task":%q,"latency_ms":%d}`,
		w.now.Format(time.RFC3339Nano), levels[r.IntN(len(levels))], msgs[r.IntN(len(msgs))], t.id[:8], 1+r.IntN(900))
}

func firstPort(k *container) int {
	if len(k.bindings) > 0 {
		return k.bindings[0].ContainerPort
	}
	return 8080
}

// writeCrash writes the last words of a container that is about to exit 1.
func (w *World) writeCrash(k *container, now time.Time) {
	if k.logStream == "" {
		return
	}
	for i, line := range []string{
		"loading configuration from /etc/app/config.yaml",
		"FATAL: required setting DATABASE_URL is not set",
		"panic: configuration invalid",
	} {
		w.logs.put(k.logGroup, k.logStream, now.Add(time.Duration(i-3)*100*time.Millisecond), line)
	}
}
