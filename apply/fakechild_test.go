package apply_test

import (
	"bufio"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"

	"github.com/avil4/avil4/aviobj"
	"github.com/avil4/avil4/avitest"
	"github.com/avil4/avil4/internal/gen"
	"github.com/avil4/avil4/l4"
)

// fakeChildEnv, when set to a number of Services, makes this test binary a
// fake controller holding their objects instead of running tests (see
// TestMain and startFakeChild). BenchmarkNoopResync uses it so that what
// it measures (heap, peak RSS, CPU) is the applier's alone.
const fakeChildEnv = "AVIL4_BENCH_FAKE_SERVICES"

// TestMain runs the tests, or serves a fake controller when fakeChildEnv
// is set.
func TestMain(m *testing.M) {
	if n := os.Getenv(fakeChildEnv); n != "" {
		// A GOMEMLIMIT given to measure the applier is not the fake's.
		debug.SetMemoryLimit(math.MaxInt64)
		if err := serveFakeChild(n, os.Stdin, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "fake controller:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// genSets translates n generated Services (3 ports, 10 endpoints: 6
// objects each) into their Sets.
func genSets(n int) ([]*aviobj.Set, error) {
	objs := gen.Generate(gen.Config{Services: n})
	sets := make([]*aviobj.Set, n)
	for i := range objs.Services {
		res := l4.TranslateService(l4.ServiceInput{Service: &objs.Services[i], EndpointSlices: objs.EndpointSlices[i : i+1]},
			l4.Options{ClusterName: cluster, License: "ENTERPRISE"})
		if res.Set == nil {
			return nil, fmt.Errorf("translating service %d: %v", i, res.Errors)
		}
		sets[i] = res.Set
	}
	return sets, nil
}

// childHello is the first line a fake child writes: how to reach it.
type childHello struct {
	URL      string `json:"url"`
	Username string `json:"username"`
	Password string `json:"password"`
	CA       []byte `json:"ca"`
}

// childCalls answers the "calls" command.
type childCalls struct {
	Total  int `json:"total"`
	Writes int `json:"writes"`
}

// serveFakeChild seeds a fake with the objects of n generated Services
// (without HTTP), starts it, writes its childHello to out, and then
// answers one command per line of in: "reset" (ResetCalls; answers
// "ok") and "calls" (answers a childCalls). It returns when in ends.
func serveFakeChild(n string, in io.Reader, out io.Writer) error {
	services, err := strconv.Atoi(n)
	if err != nil || services < 0 {
		return fmt.Errorf("%s=%q: want a number of Services", fakeChildEnv, n)
	}
	sets, err := genSets(services)
	if err != nil {
		return err
	}
	fake, err := avitest.Start()
	if err != nil {
		return err
	}
	defer fake.Close()
	for _, s := range sets {
		for _, o := range s.Objects() {
			if _, err := fake.Seed("", o.AviKind(), o); err != nil {
				return err
			}
		}
	}
	enc := json.NewEncoder(out)
	if err := enc.Encode(childHello{URL: fake.URL(), Username: fake.Username(), Password: fake.Password(), CA: fake.CertificatePEM()}); err != nil {
		return err
	}
	sc := bufio.NewScanner(in)
	for sc.Scan() {
		switch cmd := strings.TrimSpace(sc.Text()); cmd {
		case "reset":
			fake.ResetCalls()
			_, err = fmt.Fprintln(out, `"ok"`)
		case "calls":
			c := fake.Calls()
			err = enc.Encode(childCalls{Total: c.Total(), Writes: c.Writes()})
		default:
			err = fmt.Errorf("unknown command %q", cmd)
		}
		if err != nil {
			return err
		}
	}
	return sc.Err()
}

// fakeChild is a fake controller in a child process.
type fakeChild struct {
	cmd   *exec.Cmd
	in    io.WriteCloser
	out   *json.Decoder
	hello childHello
	pool  *x509.CertPool
}

// startFakeChild re-runs this test binary as a fake controller holding the
// objects of n generated Services (the same genSets makes).
func startFakeChild(tb testing.TB, n int) *fakeChild {
	tb.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), fakeChildEnv+"="+strconv.Itoa(n))
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		tb.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	c := &fakeChild{cmd: cmd, in: in, out: json.NewDecoder(out)}
	tb.Cleanup(c.stop)
	if err := c.out.Decode(&c.hello); err != nil {
		tb.Fatalf("fake controller child did not start: %v", err)
	}
	c.pool = x509.NewCertPool()
	if !c.pool.AppendCertsFromPEM(c.hello.CA) {
		tb.Fatal("fake controller child: no certificate in its CA")
	}
	return c
}

// ask sends one command and decodes its answer into v.
func (c *fakeChild) ask(tb testing.TB, cmd string, v any) {
	tb.Helper()
	if _, err := io.WriteString(c.in, cmd+"\n"); err != nil {
		tb.Fatal(err)
	}
	if err := c.out.Decode(v); err != nil {
		tb.Fatalf("fake controller child, %s: %v", cmd, err)
	}
}

func (c *fakeChild) reset(tb testing.TB) {
	var ok string
	c.ask(tb, "reset", &ok)
}

func (c *fakeChild) calls(tb testing.TB) childCalls {
	var cc childCalls
	c.ask(tb, "calls", &cc)
	return cc
}

// stop ends the child (closing its stdin) and waits for it.
func (c *fakeChild) stop() {
	if c.in == nil {
		return
	}
	c.in.Close()
	c.in = nil
	if err := c.cmd.Wait(); err != nil && !errors.Is(err, os.ErrProcessDone) {
		fmt.Fprintln(os.Stderr, "fake controller child:", err)
	}
}
