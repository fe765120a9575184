package client

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// maxBody bounds the size of a reply body read into memory.
const maxBody = 256 << 20

// readBody reads up to maxBody bytes of a reply: into one buffer of the
// announced size when there is a Content-Length, else into a buffer that
// doubles as it fills (io.ReadAll grows large bodies by a quarter at a
// time, copying a list page of hundreds of KB many times). The body goes
// into reuse's array (from its start) when that is large enough.
func readBody(resp *http.Response, reuse []byte) ([]byte, error) {
	r := io.LimitReader(resp.Body, maxBody)
	buf := bytes.NewBuffer(reuse[:0])
	if n := resp.ContentLength; n > 0 && n <= maxBody {
		buf.Grow(int(n) + bytes.MinRead) // ReadFrom wants MinRead free to read EOF
	} else {
		buf.Grow(16 << 10)
	}
	_, err := buf.ReadFrom(r)
	return buf.Bytes(), err
}

// do runs a request with a lazy login, one re-login on 401/419, and bounded
// retries of transient failures.
func (s *session) do(ctx context.Context, tenant, method, path string, query url.Values, payload []byte, out any) error {
	reqPath := path
	if len(query) > 0 {
		reqPath += "?" + query.Encode()
	}
	relogged := false
	var (
		lastErr error
		reuse   []byte
	)
	if r, ok := out.(bodyReuser); ok {
		reuse = r.reuseBuffer()
	}
	for attempt := 1; ; attempt++ {
		gen, csrf, sid, _ := s.creds()
		if sid == "" {
			if err := s.relogin(ctx, gen, false); err != nil {
				return err
			}
			gen, csrf, sid, _ = s.creds()
		}
		start := time.Now()
		status, body, hdr, err := s.attempt(ctx, method, path, query, payload, tenant, csrf, sid, reuse)
		if ctxErr := ctx.Err(); ctxErr != nil {
			return fmt.Errorf("%s %s: %w", method, reqPath, ctxErr)
		}
		s.log.V(2).Info("request", "method", method, "path", reqPath, "tenant", tenant,
			"status", status, "attempt", attempt, "duration", time.Since(start), "error", errString(err))
		if err == nil {
			if (status == http.StatusUnauthorized || status == 419) && !relogged {
				// The session expired (or the CSRF token went stale): log
				// in again once, without spending a retry.
				relogged = true
				s.log.V(1).Info("session rejected, logging in again", "status", status, "method", method, "path", reqPath)
				if err := s.relogin(ctx, gen, false); err != nil {
					return err
				}
				attempt--
				continue
			}
			derr := decodeReply(method, reqPath, status, hdr, body, out)
			if derr == nil || !retryableStatus(status) {
				return derr
			}
			lastErr = derr
		} else {
			if !retryableTransport(err) {
				return fmt.Errorf("%s %s: %w", method, reqPath, err)
			}
			lastErr = fmt.Errorf("%s %s: %w", method, reqPath, err)
		}
		if attempt >= s.retry.MaxAttempts {
			return fmt.Errorf("giving up after %d attempts: %w", attempt, lastErr)
		}
		wait := s.retry.backoff(attempt)
		if ra := retryAfter(hdr); ra > wait {
			wait = min(ra, s.retry.MaxBackoff)
		}
		s.log.V(1).Info("retrying", "method", method, "path", reqPath, "attempt", attempt, "wait", wait, "error", lastErr.Error())
		if err := sleep(ctx, wait); err != nil {
			return fmt.Errorf("%s %s: %w (last error: %v)", method, reqPath, err, lastErr)
		}
	}
}

// decodeReply reads a reply: a 2xx body into out (unless out is nil or the
// body empty), any other status as an *Error. A 2xx body that does not
// decode is a *DecodeError.
func decodeReply(method, reqPath string, status int, hdr http.Header, body []byte, out any) error {
	if status < 200 || status > 299 {
		return newError(status, method, reqPath, hdr, body)
	}
	if out == nil || len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	var err error
	if d, ok := out.(bodyDecoder); ok {
		err = d.decodeBody(body)
	} else {
		err = json.Unmarshal(body, out)
	}
	if err != nil {
		return &DecodeError{StatusCode: status, Method: method, Path: reqPath, Reason: describeBody(hdr, body), Err: err}
	}
	return nil
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// sleep waits for d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// retryableStatus reports whether a reply status is worth retrying.
func retryableStatus(status int) bool {
	return status >= 500 || status == http.StatusRequestTimeout || status == http.StatusTooManyRequests
}

// retryableTransport reports whether a transport error is worth retrying:
// everything (resets, refused or closed connections, attempt timeouts)
// except certificate verification failures, which will not heal.
func retryableTransport(err error) bool {
	var (
		verr *tls.CertificateVerificationError
		uerr x509.UnknownAuthorityError
		herr x509.HostnameError
		cerr x509.CertificateInvalidError
		rerr tls.RecordHeaderError
	)
	switch {
	case errors.As(err, &verr), errors.As(err, &uerr), errors.As(err, &herr), errors.As(err, &cerr), errors.As(err, &rerr):
		return false
	case errors.Is(err, context.Canceled):
		return false
	}
	return true
}

// retryAfter parses a Retry-After header given in seconds.
func retryAfter(h http.Header) time.Duration {
	if h == nil {
		return 0
	}
	secs, err := strconv.Atoi(h.Get("Retry-After"))
	if err != nil || secs <= 0 {
		return 0
	}
	return time.Duration(secs) * time.Second
}

// attempt sends one HTTP request bounded by the attempt timeout and reads
// the whole reply.
//
// The body is read into reuse's array when it is large enough (see
// bodyReuser), else into a new one.
func (s *session) attempt(ctx context.Context, method, path string, query url.Values, payload []byte, tenant, csrf, sid string, reuse []byte) (int, []byte, http.Header, error) {
	actx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	u := *s.base
	u.Path = path
	u.RawQuery = query.Encode()
	var rd io.Reader
	if payload != nil {
		rd = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(actx, method, u.String(), rd)
	if err != nil {
		return 0, nil, nil, err
	}
	req.Header.Set("Accept", "application/json")
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Referer", s.referer)
	s.mu.Lock()
	version := s.version
	s.mu.Unlock()
	if version != "" {
		req.Header.Set("X-Avi-Version", version)
	}
	if tenant != "" {
		req.Header.Set("X-Avi-Tenant", tenant)
	}
	if sid != "" {
		req.Header.Set("X-CSRFToken", csrf)
		req.AddCookie(&http.Cookie{Name: "csrftoken", Value: csrf})
		req.AddCookie(&http.Cookie{Name: "sessionid", Value: sid})
		req.AddCookie(&http.Cookie{Name: "avi-sessionid", Value: sid})
	}
	resp, err := s.http.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	body, err := readBody(resp, reuse)
	if err != nil {
		return 0, nil, nil, fmt.Errorf("reading reply: %w", err)
	}
	return resp.StatusCode, body, resp.Header, nil
}

// relogin logs in unless another goroutine already did since the caller saw
// generation seen (or force is set). One login runs at a time; waiting for
// it honours ctx.
func (s *session) relogin(ctx context.Context, seen uint64, force bool) error {
	select {
	case s.loginSem <- struct{}{}:
	case <-ctx.Done():
		return fmt.Errorf("waiting for login: %w", ctx.Err())
	}
	defer func() { <-s.loginSem }()
	s.mu.Lock()
	done := s.gen != seen && s.sid != ""
	s.mu.Unlock()
	if done && !force {
		return nil
	}
	return s.login(ctx)
}

// loginResult is what the client keeps of a /login reply.
type loginResult struct {
	csrf, sid, version string
}

// loginEdition returns system_config.default_license_tier of a /login reply
// ("" when absent).
func loginEdition(body []byte) string {
	var reply struct {
		SystemConfig struct {
			Tier string `json:"default_license_tier"`
		} `json:"system_config"`
	}
	if json.Unmarshal(body, &reply) != nil {
		return ""
	}
	return reply.SystemConfig.Tier
}

// decodeLogin reads a /login reply: a 2xx status with a csrftoken cookie and
// a sessionid (or avi-sessionid) cookie, both made of cookie octets, and
// optionally the controller's version (version.Version of the JSON body),
// which must be sendable as X-Avi-Version. Another status is an *Error; a
// 2xx reply without usable cookies, or with an unsendable version, is a
// *DecodeError. A body that is not the JSON expected only leaves the version
// unknown.
func decodeLogin(status int, hdr http.Header, body []byte) (loginResult, error) {
	const path = "/login"
	if status < 200 || status > 299 {
		return loginResult{}, newError(status, http.MethodPost, path, hdr, body)
	}
	fail := func(reason string) (loginResult, error) {
		return loginResult{}, &DecodeError{StatusCode: status, Method: http.MethodPost, Path: path, Reason: reason}
	}
	cookies := map[string]string{}
	for _, c := range (&http.Response{Header: hdr}).Cookies() {
		cookies[c.Name] = c.Value
	}
	r := loginResult{csrf: cookies["csrftoken"], sid: cookies["sessionid"]}
	if r.sid == "" {
		r.sid = cookies["avi-sessionid"]
	}
	if r.csrf == "" || r.sid == "" {
		return fail("the reply carried no csrftoken and session cookies")
	}
	if !cookieOctets(r.csrf) || !cookieOctets(r.sid) {
		return fail("the session cookies hold characters that cannot be sent back")
	}
	var reply struct {
		Version struct {
			Version *string `json:"Version"`
		} `json:"version"`
	}
	if json.Unmarshal(body, &reply) == nil && reply.Version.Version != nil {
		r.version = *reply.Version.Version
		if p := versionProblem(r.version); p != "" {
			return fail(oneLine(fmt.Sprintf("the controller version %q cannot be sent as X-Avi-Version: %s", r.version, p)))
		}
	}
	return r, nil
}

// maxCookie bounds the size of a session cookie value.
const maxCookie = 4096

// cookieOctets reports whether v is a non-empty cookie value of RFC 6265
// cookie-octets (printable ASCII but space, '"', ',', ';' and '\'), which
// is also a valid X-CSRFToken header value.
func cookieOctets(v string) bool {
	if v == "" || len(v) > maxCookie {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c <= ' ' || c >= 0x7f || c == '"' || c == ',' || c == ';' || c == '\\' {
			return false
		}
	}
	return true
}

// login runs POST /login with retries of transient failures.
func (s *session) login(ctx context.Context) error {
	pw, err := s.password(ctx)
	if err != nil {
		return fmt.Errorf("reading password: %w", err)
	}
	payload, err := json.Marshal(map[string]string{"username": s.username, "password": string(pw)})
	if err != nil {
		return fmt.Errorf("encoding login: %w", err)
	}
	for attempt := 1; ; attempt++ {
		status, body, hdr, err := s.loginAttempt(ctx, payload)
		if ctxErr := ctx.Err(); ctxErr != nil {
			return fmt.Errorf("logging in as %q: %w", s.username, ctxErr)
		}
		var lastErr error
		switch {
		case err != nil:
			if !retryableTransport(err) {
				return fmt.Errorf("logging in as %q: %w", s.username, err)
			}
			lastErr = err
		default:
			lr, derr := decodeLogin(status, hdr, body)
			if derr == nil {
				s.mu.Lock()
				s.csrf, s.sid = lr.csrf, lr.sid
				s.gen++
				s.ctlVersion = lr.version
				if !s.fixedVersion {
					s.version = speak(lr.version)
				}
				s.edition = ""
				if e := loginEdition(body); e != "" {
					s.edition = canonicalEdition(e)
				}
				version := s.version
				s.mu.Unlock()
				s.log.V(1).Info("logged in", "user", s.username, "controllerVersion", lr.version, "apiVersion", version)
				return nil
			}
			if !retryableStatus(status) {
				return fmt.Errorf("logging in as %q: %w", s.username, derr)
			}
			lastErr = derr
		}
		if attempt >= s.retry.MaxAttempts {
			return fmt.Errorf("logging in as %q: giving up after %d attempts: %w", s.username, attempt, lastErr)
		}
		wait := s.retry.backoff(attempt)
		if ra := retryAfter(hdr); ra > wait {
			wait = min(ra, s.retry.MaxBackoff)
		}
		s.log.V(1).Info("retrying login", "attempt", attempt, "wait", wait, "error", lastErr.Error())
		if err := sleep(ctx, wait); err != nil {
			return fmt.Errorf("logging in as %q: %w", s.username, err)
		}
	}
}

// loginAttempt sends one POST /login.
func (s *session) loginAttempt(ctx context.Context, payload []byte) (int, []byte, http.Header, error) {
	actx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	u := *s.base
	u.Path = "/login"
	req, err := http.NewRequestWithContext(actx, http.MethodPost, u.String(), bytes.NewReader(payload))
	if err != nil {
		return 0, nil, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Referer", s.referer)
	s.mu.Lock()
	version := s.version
	s.mu.Unlock()
	if version != "" {
		req.Header.Set("X-Avi-Version", version)
	}
	resp, err := s.http.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	body, err := readBody(resp, nil)
	if err != nil {
		return 0, nil, nil, fmt.Errorf("reading login reply: %w", err)
	}
	return resp.StatusCode, body, resp.Header, nil
}
