package client

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/avil4/avil4/internal/avischema"
)

// Licence editions, the values of SystemConfiguration.default_license_tier
// (ENTERPRISE_16 and ENTERPRISE_18 read as EditionEnterprise).
const (
	EditionEnterprise                  = "ENTERPRISE"
	EditionEnterpriseWithCloudServices = "ENTERPRISE_WITH_CLOUD_SERVICES"
	EditionEssentials                  = "ESSENTIALS"
	EditionBasic                       = "BASIC"
)

const (
	initialDataPath         = "/api/initial-data"
	systemConfigurationPath = "/api/systemconfiguration"
)

// Info is what a Client knows of the controller it talks to.
type Info struct {
	// Version is the controller's release ("22.1.3").
	Version string `json:"version"`
	// APIVersion is the X-Avi-Version the Client sends.
	APIVersion string `json:"apiVersion"`
	// Edition is the licence edition: EditionEnterprise,
	// EditionEnterpriseWithCloudServices, EditionEssentials or
	// EditionBasic (another tier as the controller spells it).
	Edition string `json:"edition"`
}

// speak is the version a Client sends to a controller of version v:
// min(v, MaxVersion); MaxVersion when v is unknown.
func speak(v string) string {
	if v == "" || avischema.NewerVersion(v, MaxVersion) {
		return MaxVersion
	}
	return v
}

func canonicalEdition(e string) string { return avischema.CanonicalEdition(e) }

// Controller returns the controller's version, the API version the Client
// speaks and the licence edition, logging in first if needed. The version
// comes from the login reply, or from /api/initial-data when the reply has
// none; the edition from the login reply's system_config, or from
// /api/systemconfiguration (default_license_tier; absent means
// ENTERPRISE, the controller's default). Both are read once per session.
func (c *Client) Controller(ctx context.Context) (Info, error) {
	if err := c.checkCall(ctx); err != nil {
		return Info{}, err
	}
	s := c.s
	s.mu.Lock()
	gen := s.gen
	s.mu.Unlock()
	if gen == 0 {
		if err := s.relogin(ctx, 0, false); err != nil {
			return Info{}, err
		}
	}
	s.mu.Lock()
	info := Info{Version: s.ctlVersion, APIVersion: s.version, Edition: s.edition}
	s.mu.Unlock()
	if info.Version == "" {
		var reply struct {
			Version struct {
				Version string `json:"Version"`
			} `json:"version"`
		}
		if err := c.Do(ctx, http.MethodGet, initialDataPath, nil, nil, &reply); err != nil {
			return Info{}, fmt.Errorf("reading the controller version: %w", err)
		}
		v := reply.Version.Version
		if v == "" {
			return Info{}, &DecodeError{StatusCode: http.StatusOK, Method: http.MethodGet, Path: initialDataPath, Reason: "the controller reported no version"}
		}
		if p := versionProblem(v); p != "" {
			return Info{}, &DecodeError{StatusCode: http.StatusOK, Method: http.MethodGet, Path: initialDataPath,
				Reason: oneLine(fmt.Sprintf("the controller version %q cannot be sent as X-Avi-Version: %s", v, p))}
		}
		s.mu.Lock()
		s.ctlVersion = v
		if !s.fixedVersion {
			s.version = speak(v)
		}
		info.Version, info.APIVersion = s.ctlVersion, s.version
		s.mu.Unlock()
	}
	if info.Edition == "" {
		var reply struct {
			Tier string `json:"default_license_tier"`
		}
		var raw json.RawMessage
		if err := c.Do(ctx, http.MethodGet, systemConfigurationPath, nil, nil, &raw); err != nil {
			return Info{}, fmt.Errorf("reading the licence edition: %w", err)
		}
		if err := json.Unmarshal(raw, &reply); err != nil {
			return Info{}, &DecodeError{StatusCode: http.StatusOK, Method: http.MethodGet, Path: systemConfigurationPath, Reason: "not a SystemConfiguration object"}
		}
		info.Edition = EditionEnterprise
		if reply.Tier != "" {
			info.Edition = canonicalEdition(reply.Tier)
		}
		s.mu.Lock()
		s.edition = info.Edition
		s.mu.Unlock()
	}
	return info, nil
}

// Edition is the controller's licence edition (see Controller).
func (c *Client) Edition(ctx context.Context) (string, error) {
	info, err := c.Controller(ctx)
	return info.Edition, err
}
