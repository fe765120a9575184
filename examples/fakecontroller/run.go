package main

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/go-logr/logr/funcr"

	"github.com/avil4/avil4/avitest"
	buildinfo "github.com/avil4/avil4/internal/version"
)

// errUsage marks errors in the command line (exit status 2).
var errUsage = errors.New("usage")

// Info is what the command prints: how to reach the fake controller.
type Info struct {
	// URL is the controller's base URL, https://127.0.0.1:<port>.
	URL string `json:"url"`
	// Username is the user that can log in.
	Username string `json:"username"`
	// PasswordFile holds the password (mode 0600, no trailing newline).
	PasswordFile string `json:"passwordFile"`
	// CAFile holds, in PEM form, the certificate of the CA this command made
	// for --dir, which issued the server's certificate: trust it (only it).
	CAFile string `json:"caFile"`
	// Version is the controller version, to send as X-Avi-Version.
	Version string `json:"version"`
	// Edition is the licence edition (--edition).
	Edition string `json:"edition"`
	// Tenants are the tenants that exist, admin first.
	Tenants []string `json:"tenants"`
	// Dir is the directory holding PasswordFile and CAFile.
	Dir string `json:"dir"`
}

// stringList is a repeatable string flag.
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(v string) error { *l = append(*l, v); return nil }

// run starts the fake controller as args ask, prints its Info on stdout and
// serves until ctx is done, then closes it. Flag errors wrap errUsage; -h
// returns flag.ErrHelp.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("fakecontroller", flag.ContinueOnError)
	fl.SetOutput(stderr)
	var (
		dir, version, output string
		edition              string
		vipRanges, tenants   stringList
		certHosts            stringList
		seed                 uint64
		faultRate            float64
		latency              time.Duration
		verbose              bool
	)
	fl.StringVar(&dir, "dir", "", "directory for the password, the CA (ca.pem) and the serving certificate, reused by later runs (default: a new temporary directory, removed on exit)")
	fl.Var(&vipRanges, "vip-range", "CIDR auto-allocated VIPs come from, per address family (repeatable; default 10.50.0.0/24)")
	fl.StringVar(&version, "avi-version", "", "controller release to behave like, e.g. 21.1.4: reported at login and in /api/initial-data; newer X-Avi-Versions and fields refused; no SCTP System objects before 22.1.3 (default: the embedded schema's)")
	fl.StringVar(&edition, "edition", avitest.DefaultEdition, "licence edition: ENTERPRISE|ENTERPRISE_WITH_CLOUD_SERVICES|ESSENTIALS|BASIC; fields and values the edition does not allow are refused")
	fl.Var(&tenants, "tenant", "extra tenant besides admin (repeatable)")
	fl.Var(&certHosts, "cert-host", "extra DNS name or IP address the serving certificate covers besides localhost, 127.0.0.1 and ::1 (repeatable)")
	fl.Uint64Var(&seed, "seed", 1, "seed of uuids, session ids and random faults")
	fl.Float64Var(&faultRate, "fault-rate", 0, "probability (0..1) that an /api/ request gets a random fault")
	fl.DurationVar(&latency, "latency", 0, "delay of every /api/ request")
	fl.StringVar(&output, "o", "env", "output format: env (shell export lines) or json")
	fl.BoolVar(&verbose, "v", false, "log every request on stderr")
	printVersion := fl.Bool("version", false, "print the module path, version and VCS revision this command was built from, and exit (the controller release is --avi-version)")
	if err := fl.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if *printVersion {
		if fl.NArg() > 0 {
			return fmt.Errorf("%w: --version takes no value (the controller release to behave like is --avi-version)", errUsage)
		}
		fmt.Fprintln(stdout, buildinfo.String("fakecontroller"))
		return nil
	}
	if fl.NArg() > 0 {
		return fmt.Errorf("%w: unexpected arguments %q", errUsage, fl.Args())
	}
	if output != "env" && output != "json" {
		return fmt.Errorf("%w: -o must be env or json, not %q", errUsage, output)
	}
	if faultRate < 0 || faultRate > 1 {
		return fmt.Errorf("%w: --fault-rate must be between 0 and 1", errUsage)
	}
	if err := checkVersionEdition(version, edition); err != nil {
		return err
	}
	if len(vipRanges) == 0 {
		vipRanges = stringList{"10.50.0.0/24"}
	}
	// avitest panics on a bad CIDR: check them first.
	for _, r := range vipRanges {
		if _, err := netip.ParsePrefix(r); err != nil {
			return fmt.Errorf("%w: --vip-range: %v", errUsage, err)
		}
	}
	for _, t := range tenants {
		if t == "" || t == "admin" || t == "*" {
			return fmt.Errorf("%w: --tenant %q: give a new tenant name", errUsage, t)
		}
	}
	for i, h := range certHosts {
		n, err := certHost(h)
		if err != nil {
			return fmt.Errorf("%w: --cert-host %q: %v", errUsage, h, err)
		}
		certHosts[i] = n
	}

	// The fake derives its default password from the seed, which is fine in
	// a test but not for a process others connect to: use a random one.
	password := rand.Text()
	opts := []avitest.Option{
		avitest.WithSeed(seed),
		avitest.WithUsers(map[string]string{avitest.DefaultUsername: password}),
		avitest.WithTenants(tenants...),
		avitest.WithLatency(latency),
	}
	for _, r := range vipRanges {
		opts = append(opts, avitest.WithVIPRange(r))
	}
	if version != "" {
		opts = append(opts, avitest.WithVersion(version))
	}
	opts = append(opts, avitest.WithEdition(edition))
	if faultRate > 0 {
		opts = append(opts, avitest.WithRandomFaults(seed, faultRate))
	}
	if verbose {
		opts = append(opts, avitest.WithLogger(funcr.New(func(prefix, args string) {
			fmt.Fprintln(stderr, args)
		}, funcr.Options{Verbosity: 1})))
	}

	if dir == "" {
		d, err := os.MkdirTemp("", "avitest-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		dir = d
	} else if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return err
	}

	// The fake serves with a certificate of a CA made for dir, never with
	// httptest's, whose private key is published in Go's source.
	tm, err := ensureTLS(dir, certHosts, time.Now())
	if err != nil {
		return err
	}
	if tm.reused {
		fmt.Fprintf(stderr, "fakecontroller: reusing the CA and serving certificate of %s\n", dir)
	} else {
		fmt.Fprintf(stderr, "fakecontroller: made a new CA (%s) and serving certificate: %s\n", filepath.Join(dir, caFileName), tm.reason)
	}
	opts = append(opts, avitest.WithTLSCertificate(tm.cert))

	fake := avitest.New(opts...)
	defer fake.Close()
	if err := coveredURL(tm, fake.URL()); err != nil {
		return err
	}

	info := Info{
		URL:          fake.URL(),
		Username:     fake.Username(),
		PasswordFile: filepath.Join(dir, "password"),
		CAFile:       filepath.Join(dir, "ca.pem"),
		Version:      fake.Version(),
		Edition:      fake.Edition(),
		Tenants:      append([]string{"admin"}, tenants...),
		Dir:          dir,
	}
	if err := writeFile(info.PasswordFile, []byte(fake.Password()), 0o600); err != nil {
		return err
	}

	if output == "json" {
		if err := json.NewEncoder(stdout).Encode(info); err != nil {
			return err
		}
		fmt.Fprint(stderr, examples(info, ""))
	} else if _, err := fmt.Fprint(stdout, exports(info)+examples(info, "# ")+"# ready\n"); err != nil {
		return err
	}

	<-ctx.Done()
	return nil
}

// writeFile replaces name by a file holding data with mode perm exactly
// (whatever the umask): written to a temporary file of the same directory,
// then renamed over name, so a reader never sees a partial file and an old
// file's mode (or a symlink in its place) is not kept.
func writeFile(name string, data []byte, perm os.FileMode) error {
	f, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp, perm)
	}
	if err == nil {
		err = os.Rename(tmp, name)
	}
	if err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("writing %s: %w", name, err)
	}
	return nil
}

// coveredURL checks that the serving certificate covers the host of the
// URL the fake listens on.
func coveredURL(tm *tlsMaterial, rawURL string) error {
	u, err := url.Parse(rawURL)
	if err != nil {
		return err
	}
	if err := tm.leaf.VerifyHostname(u.Hostname()); err != nil {
		return fmt.Errorf("the serving certificate does not cover the listen address: %w", err)
	}
	return nil
}

// exports renders info as shell export lines.
func exports(info Info) string {
	var b strings.Builder
	for _, kv := range [][2]string{
		{"AVI_CONTROLLER", info.URL},
		{"AVI_USERNAME", info.Username},
		{"AVI_PASSWORD_FILE", info.PasswordFile},
		{"AVI_CA_FILE", info.CAFile},
		{"AVI_API_VERSION", info.Version},
		{"AVI_EDITION", info.Edition},
		{"AVI_TENANT", info.Tenants[0]},
	} {
		fmt.Fprintf(&b, "export %s=%s\n", kv[0], shellQuote(kv[1]))
	}
	return b.String()
}

// examples renders commands that use the controller, each line prefixed.
func examples(info Info, prefix string) string {
	cookies := filepath.Join(info.Dir, "cookies.txt")
	lines := []string{
		"Log in, then list pools (after sourcing the lines above):",
		"curl --cacert \"$AVI_CA_FILE\" -c " + shellQuote(cookies) +
			" --data-urlencode \"username=$AVI_USERNAME\" --data-urlencode \"password@$AVI_PASSWORD_FILE\" \"$AVI_CONTROLLER/login\"",
		"curl --cacert \"$AVI_CA_FILE\" -b " + shellQuote(cookies) +
			" -H \"X-Avi-Version: $AVI_API_VERSION\" \"$AVI_CONTROLLER/api/pool\"",
		"Apply the bundled example Services to it:",
		"go run ./examples/translate --controller \"$AVI_CONTROLLER\" --username \"$AVI_USERNAME\"" +
			" --password-file \"$AVI_PASSWORD_FILE\" --ca-file \"$AVI_CA_FILE\"",
	}
	if prefix == "" {
		lines = []string{
			"Log in, then list pools:",
			"curl --cacert " + shellQuote(info.CAFile) + " -c " + shellQuote(cookies) +
				" --data-urlencode username=" + shellQuote(info.Username) + " --data-urlencode " + shellQuote("password@"+info.PasswordFile) +
				" " + info.URL + "/login",
			"curl --cacert " + shellQuote(info.CAFile) + " -b " + shellQuote(cookies) +
				" -H 'X-Avi-Version: " + info.Version + "' " + info.URL + "/api/pool",
		}
	}
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(prefix + l + "\n")
	}
	return b.String()
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:@=,+") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// versionRE is a controller release: "22.1.3", "30.2.1".
var versionRE = regexp.MustCompile(`^\d+(\.\d+){1,3}$`)

// checkVersionEdition checks the --avi-version and --edition flags.
func checkVersionEdition(version, edition string) error {
	if version != "" && !versionRE.MatchString(version) {
		return fmt.Errorf("%w: --avi-version %q: want a release such as 22.1.3", errUsage, version)
	}
	switch edition {
	case "ENTERPRISE", "ENTERPRISE_WITH_CLOUD_SERVICES", "ESSENTIALS", "BASIC":
		return nil
	}
	return fmt.Errorf("%w: --edition %q: want ENTERPRISE, ENTERPRISE_WITH_CLOUD_SERVICES, ESSENTIALS or BASIC", errUsage, edition)
}
