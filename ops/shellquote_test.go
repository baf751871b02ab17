package ops

import (
	"os/exec"
	"strings"
	"testing"
)

// TestShellQuoteIsExactAndSafe: the equivalent AWS CLI commands name a
// resource exactly as AWS holds it, never its cleaned lookalike, and the
// text shown holds no control a terminal would act on.
func TestShellQuoteIsExactAndSafe(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Fatalf("bash is needed to check that quoted names read back exactly: %v", err)
	}
	for _, s := range []string{
		"plain-name", "with space", "it's", `back\slash`,
		"svc\x1b]52;c;cm0gLXJmIC8K\x07\x1b[2J\u202e\u009b31m\u2028\x1b[5;53m-a",
		"bell\x07tab\tnl\n", "bad\xffutf8", "日本-ok",
	} {
		q := shellQuote(s)
		for _, r := range q {
			if r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) || (r >= 0x202a && r <= 0x202e) || r == 0x2028 {
				t.Errorf("shellQuote(%q) = %q holds %U", s, q, r)
			}
		}
		out, err := exec.Command(bash, "-c", "printf %s "+q).Output()
		if err != nil || string(out) != s {
			t.Errorf("bash reads shellQuote(%q) = %s back as %q (%v)", s, q, out, err)
		}
	}
	if got := awsCmd("ecs", "update-service", "--service", "a\x1b[2Jb"); !strings.Contains(got, `--service $'a\x1b[2Jb'`) {
		t.Errorf("awsCmd = %q", got)
	}
}
