package main

import (
	_ "embed"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/go-logr/logr"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
)

// gatewayAPIModule is the module whose standard-channel CRDs --local-apiserver
// installs.
const gatewayAPIModule = "sigs.k8s.io/gateway-api"

// gatewayAPIFallbackVersion is the gateway-api version of go.mod, for a
// binary built without module information (a test checks they agree).
const gatewayAPIFallbackVersion = "v1.6.3"

// aviInfraSettingCRD is config/crd's stand-in for AKO's AviInfraSetting
// CRD, installed on the local API server so the demo reads them.
//
//go:embed config/crd/aviinfrasettings.yaml
var aviInfraSettingCRD []byte

// legacyGatewayCRDs are config/crd's stand-ins for the legacy
// networking.x-k8s.io/v1alpha1 GatewayClass and Gateway CRDs, installed on
// the local API server so the demo serves the seed's SCTP Gateway.
//
//go:embed config/crd/legacy-gateways.yaml
var legacyGatewayCRDs []byte

// gatewayAPIVersion is the gateway-api version the binary was built with:
// the Gateway CRDs to install are those of the same version.
func gatewayAPIVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path == gatewayAPIModule {
				if d.Replace != nil && d.Replace.Version != "" {
					return d.Replace.Version
				}
				return d.Version
			}
		}
	}
	return gatewayAPIFallbackVersion
}

// localEnv is a running throw-away API server.
type localEnv struct {
	cfg        *rest.Config
	kubeconfig string
	stop       func()
}

// localAPIServer starts a throw-away kube-apiserver and etcd (envtest) for a
// one-command demo without a cluster, with config/crd's AviInfraSetting and
// legacy Gateway CRDs and, when found, the Gateway API CRDs (see gatewayCRDs). It needs only
// the two binaries (see envtestAssets); it runs from a built binary
// anywhere, without the repository or a Go toolchain.
func localAPIServer(crdFlag string, log logr.Logger) (*localEnv, error) {
	assets, err := envtestAssets()
	if err != nil {
		return nil, err
	}
	gw, looked, err := gatewayCRDs(crdFlag)
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "avil4-local-")
	if err != nil {
		return nil, err
	}
	infra := filepath.Join(dir, "aviinfrasettings.yaml")
	if err := os.WriteFile(infra, aviInfraSettingCRD, 0o600); err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	legacy := filepath.Join(dir, "legacy-gateways.yaml")
	if err := os.WriteFile(legacy, legacyGatewayCRDs, 0o600); err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	paths := []string{infra, legacy}
	if gw != "" {
		paths = append(paths, gw)
		log.Info("installing the Gateway API CRDs", "from", gw)
	} else {
		log.Info("Gateway API CRDs not found: the local API server has none, so Gateways, GatewayClasses and routes are not served (Services are)",
			"lookedIn", looked,
			"toServeGateways", "pass --gateway-crds DIR|FILE: the config/crd/standard folder of "+gatewayAPIModule+"@"+gatewayAPIVersion()+
				" (`go mod download "+gatewayAPIModule+"@"+gatewayAPIVersion()+"` fetches it into the module cache, where it is found without the flag)"+
				", or its release's standard-install.yaml")
	}
	env := &envtest.Environment{
		BinaryAssetsDirectory: assets,
		CRDDirectoryPaths:     paths,
		ErrorIfCRDPathMissing: true,
	}
	cfg, err := env.Start()
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, fmt.Errorf("starting the local API server (binaries from %s): %w", assets, err)
	}
	stop := func() { _ = env.Stop(); _ = os.RemoveAll(dir) }
	kubeconfig := filepath.Join(dir, "kubeconfig")
	kc := clientcmdapi.NewConfig()
	kc.Clusters["local"] = &clientcmdapi.Cluster{Server: cfg.Host, CertificateAuthorityData: cfg.CAData}
	kc.AuthInfos["admin"] = &clientcmdapi.AuthInfo{ClientCertificateData: cfg.CertData, ClientKeyData: cfg.KeyData, Token: cfg.BearerToken}
	kc.Contexts["local"] = &clientcmdapi.Context{Cluster: "local", AuthInfo: "admin"}
	kc.CurrentContext = "local"
	if err := clientcmd.WriteToFile(*kc, kubeconfig); err != nil {
		stop()
		return nil, err
	}
	return &localEnv{cfg: cfg, kubeconfig: kubeconfig, stop: stop}, nil
}

// envtestAssets finds a directory holding kube-apiserver and etcd:
// $KUBEBUILDER_ASSETS (which must hold both), else the cache
// hack/envtest/ensure.sh fills ($ENVTEST_ASSETS_CACHE, else
// $XDG_CACHE_HOME/avil4/envtest or ~/.cache/avil4/envtest), else
// setup-envtest's default store (~/.local/share/kubebuilder-envtest/k8s).
func envtestAssets() (string, error) {
	if d := os.Getenv("KUBEBUILDER_ASSETS"); d != "" {
		if !hasAssets(d) {
			return "", fmt.Errorf("KUBEBUILDER_ASSETS=%s does not hold both kube-apiserver and etcd", d)
		}
		return d, nil
	}
	var globs []string
	suffix := runtime.GOOS + "-" + runtime.GOARCH
	if c := os.Getenv("ENVTEST_ASSETS_CACHE"); c != "" {
		globs = append(globs, filepath.Join(c, "k8s-*_"+suffix))
	}
	if c, err := os.UserCacheDir(); err == nil {
		globs = append(globs, filepath.Join(c, "avil4", "envtest", "k8s-*_"+suffix))
	}
	if h, err := os.UserHomeDir(); err == nil {
		globs = append(globs, filepath.Join(h, ".local", "share", "kubebuilder-envtest", "k8s", "*-"+suffix))
	}
	for _, g := range globs {
		matches, _ := filepath.Glob(g)
		for i := len(matches) - 1; i >= 0; i-- { // the newest version sorts last
			if hasAssets(matches[i]) {
				return matches[i], nil
			}
		}
	}
	return "", fmt.Errorf("--local-apiserver needs kube-apiserver and etcd binaries: set KUBEBUILDER_ASSETS to a folder holding both "+
		"(from a checkout: `export KUBEBUILDER_ASSETS=$(hack/envtest/ensure.sh)`, which builds them through the Go module proxy; "+
		"or `setup-envtest use -p path`); looked in %s", strings.Join(globs, ", "))
}

func hasAssets(dir string) bool {
	for _, b := range []string{"kube-apiserver", "etcd"} {
		if st, err := os.Stat(filepath.Join(dir, b)); err != nil || st.IsDir() {
			return false
		}
	}
	return true
}

// gatewayCRDs returns the Gateway API CRDs to install: the --gateway-crds
// folder or file (an error when it does not exist), else the
// config/crd/standard folder of the gateway-api module of the version the
// binary was built with, in the Go module cache ($GOMODCACHE, each
// $GOPATH/pkg/mod, ~/go/pkg/mod, then `go env GOMODCACHE` when a Go
// toolchain is installed). It returns "" and the places looked in when
// there is none.
func gatewayCRDs(flagValue string) (string, []string, error) {
	if flagValue != "" {
		if _, err := os.Stat(flagValue); err != nil {
			return "", nil, fmt.Errorf("--gateway-crds: %w", err)
		}
		return flagValue, nil, nil
	}
	var caches []string
	if c := os.Getenv("GOMODCACHE"); c != "" {
		caches = append(caches, c)
	}
	for _, p := range filepath.SplitList(os.Getenv("GOPATH")) {
		if p != "" {
			caches = append(caches, filepath.Join(p, "pkg", "mod"))
		}
	}
	if h, err := os.UserHomeDir(); err == nil {
		caches = append(caches, filepath.Join(h, "go", "pkg", "mod"))
	}
	rel := filepath.Join(filepath.FromSlash(gatewayAPIModule)+"@"+gatewayAPIVersion(), "config", "crd", "standard")
	var looked []string
	try := func(cache string) string {
		d := filepath.Join(cache, rel)
		looked = append(looked, d)
		if st, err := os.Stat(d); err == nil && st.IsDir() {
			return d
		}
		return ""
	}
	for _, c := range caches {
		if d := try(c); d != "" {
			return d, nil, nil
		}
	}
	if goBin, err := exec.LookPath("go"); err == nil {
		if out, err := exec.Command(goBin, "env", "GOMODCACHE").Output(); err == nil {
			if c := strings.TrimSpace(string(out)); c != "" {
				if d := try(c); d != "" {
					return d, nil, nil
				}
			}
		}
	}
	return "", looked, nil
}
