package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
)

// localAPIServer starts a throw-away kube-apiserver and etcd (the envtest
// binaries hack/envtest/ensure.sh builds) with the Gateway API CRDs, for a
// one-command demo without a cluster. It returns the admin config, a
// kubeconfig file for kubectl, and a stop function.
func localAPIServer() (*rest.Config, string, func(), error) {
	assets := os.Getenv("KUBEBUILDER_ASSETS")
	if assets == "" {
		cache, err := os.UserCacheDir()
		if err == nil {
			matches, _ := filepath.Glob(filepath.Join(cache, "avil4", "envtest", "k8s-*_"+runtime.GOOS+"-"+runtime.GOARCH))
			if len(matches) > 0 {
				assets = matches[len(matches)-1]
			}
		}
	}
	if assets == "" {
		return nil, "", nil, errors.New("no kube-apiserver/etcd found: run `export KUBEBUILDER_ASSETS=$(hack/envtest/ensure.sh)` first")
	}
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "sigs.k8s.io/gateway-api").Output()
	if err != nil {
		return nil, "", nil, fmt.Errorf("locating the Gateway API CRDs: %w", err)
	}
	env := &envtest.Environment{
		BinaryAssetsDirectory: assets,
		CRDDirectoryPaths:     []string{filepath.Join(strings.TrimSpace(string(out)), "config", "crd", "standard")},
		ErrorIfCRDPathMissing: true,
	}
	cfg, err := env.Start()
	if err != nil {
		return nil, "", nil, fmt.Errorf("starting the local API server: %w", err)
	}
	stop := func() { _ = env.Stop() }
	dir, err := os.MkdirTemp("", "avil4-local-")
	if err != nil {
		stop()
		return nil, "", nil, err
	}
	kubeconfig := filepath.Join(dir, "kubeconfig")
	kc := clientcmdapi.NewConfig()
	kc.Clusters["local"] = &clientcmdapi.Cluster{Server: cfg.Host, CertificateAuthorityData: cfg.CAData}
	kc.AuthInfos["admin"] = &clientcmdapi.AuthInfo{ClientCertificateData: cfg.CertData, ClientKeyData: cfg.KeyData, Token: cfg.BearerToken}
	kc.Contexts["local"] = &clientcmdapi.Context{Cluster: "local", AuthInfo: "admin"}
	kc.CurrentContext = "local"
	if err := clientcmd.WriteToFile(*kc, kubeconfig); err != nil {
		stop()
		return nil, "", nil, err
	}
	return cfg, kubeconfig, func() { stop(); _ = os.RemoveAll(dir) }, nil
}
