// Command smoke checks that the binaries built by ../ensure.sh really serve:
// it starts etcd on a temp dir and kube-apiserver against it, waits for
// /readyz to answer 200, prints /version, and stops both.
//
//	cd hack/envtest && go run ./smoke "$(./ensure.sh)"
//
// Standard library only, so it adds nothing to go.mod.
package main

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "smoke: FAIL:", err)
		os.Exit(1)
	}
}

func run() error {
	assets := os.Getenv("KUBEBUILDER_ASSETS")
	if len(os.Args) > 1 {
		assets = os.Args[1]
	}
	if assets == "" {
		return fmt.Errorf("usage: smoke ASSETS_DIR (or set KUBEBUILDER_ASSETS)")
	}
	tmp, err := os.MkdirTemp("", "envtest-smoke-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return err
	}
	saKey := filepath.Join(tmp, "sa.key")
	pemKey := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
	if err := os.WriteFile(saKey, pemKey, 0o600); err != nil {
		return err
	}

	etcdClient, etcdPeer, apiPort := freePort(), freePort(), freePort()
	etcdURL := fmt.Sprintf("http://127.0.0.1:%d", etcdClient)
	etcd, err := start(tmp, filepath.Join(assets, "etcd"),
		"--data-dir="+filepath.Join(tmp, "etcd"),
		"--listen-client-urls="+etcdURL, "--advertise-client-urls="+etcdURL,
		fmt.Sprintf("--listen-peer-urls=http://127.0.0.1:%d", etcdPeer),
		"--unsafe-no-fsync=true")
	if err != nil {
		return err
	}
	defer stop(etcd)

	api, err := start(tmp, filepath.Join(assets, "kube-apiserver"),
		"--etcd-servers="+etcdURL,
		"--cert-dir="+filepath.Join(tmp, "certs"),
		"--bind-address=127.0.0.1", "--advertise-address=127.0.0.1",
		"--endpoint-reconciler-type=none", // 127.0.0.1 is not a valid endpoint IP
		fmt.Sprintf("--secure-port=%d", apiPort),
		"--service-cluster-ip-range=10.0.0.0/24",
		"--authorization-mode=RBAC", "--allow-privileged=true",
		"--service-account-issuer=https://localhost",
		"--service-account-key-file="+saKey,
		"--service-account-signing-key-file="+saKey)
	if err != nil {
		return err
	}
	defer stop(api)

	base := fmt.Sprintf("https://127.0.0.1:%d", apiPort)
	client := &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, // self-signed cert from --cert-dir
	}}
	begin := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	last := "no answer"
	for {
		code, body, err := get(client, base+"/readyz")
		if err == nil && code == http.StatusOK {
			break
		}
		if err != nil {
			last = err.Error()
		} else {
			last = fmt.Sprintf("%d %s", code, strings.TrimSpace(body))
		}
		select {
		case <-etcd.done:
			tail(tmp, "etcd.log")
			return fmt.Errorf("etcd exited: %v", etcd.err)
		case <-api.done:
			tail(tmp, "kube-apiserver.log")
			return fmt.Errorf("kube-apiserver exited: %v", api.err)
		case <-ctx.Done():
			tail(tmp, "etcd.log")
			tail(tmp, "kube-apiserver.log")
			return fmt.Errorf("/readyz not 200 after 60s: %s", last)
		case <-time.After(250 * time.Millisecond):
		}
	}
	_, version, err := get(client, base+"/version")
	if err != nil {
		return err
	}
	fmt.Printf("smoke: OK: /readyz 200 after %.1fs; /version %s\n",
		time.Since(begin).Seconds(), strings.Join(strings.Fields(version), " "))
	return nil
}

func freePort() int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

type proc struct {
	cmd  *exec.Cmd
	done chan struct{} // closed when the process has exited; err is then set
	err  error
}

func start(tmp, bin string, args ...string) (*proc, error) {
	log, err := os.Create(filepath.Join(tmp, filepath.Base(bin)+".log"))
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &proc{cmd: cmd, done: make(chan struct{})}
	go func() { p.err = cmd.Wait(); log.Close(); close(p.done) }()
	return p, nil
}

func stop(p *proc) {
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

func get(c *http.Client, url string) (int, string, error) {
	resp, err := c.Get(url)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

func tail(tmp, name string) {
	b, _ := os.ReadFile(filepath.Join(tmp, name))
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) > 20 {
		lines = lines[len(lines)-20:]
	}
	fmt.Fprintf(os.Stderr, "--- last lines of %s ---\n%s\n", name, strings.Join(lines, "\n"))
}
