package client_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/avil4/avil4/client"
)

// zeroCall calls one exported function or method with zero and nil values
// and reports what is wrong with the outcome ("" if nothing).
type zeroCall func(t *testing.T) string

// wantErr reports a problem unless err matches want.
func wantErr(err, want error) string {
	if !errors.Is(err, want) {
		return fmt.Sprintf("err = %v, want %v", err, want)
	}
	return ""
}

// clientCall is an error-returning method of *Client called with ctx and
// zero other arguments (empty strings, nil values).
type clientCall func(ctx context.Context, c *client.Client) error

// nilCtx is a nil context.Context, passed where a caller forgot one.
var nilCtx context.Context

// clientCalls lists the error-returning methods of *Client.
var clientCalls = map[string]clientCall{
	"Login":     func(ctx context.Context, c *client.Client) error { return c.Login(ctx) },
	"Logout":    func(ctx context.Context, c *client.Client) error { return c.Logout(ctx) },
	"Do":        func(ctx context.Context, c *client.Client) error { return c.Do(ctx, "", "", nil, nil, nil) },
	"Get":       func(ctx context.Context, c *client.Client) error { return c.Get(ctx, "", "", nil) },
	"GetByName": func(ctx context.Context, c *client.Client) error { return c.GetByName(ctx, "", "", nil) },
	"List":      func(ctx context.Context, c *client.Client) error { return c.List(ctx, "", nil, nil) },
	"ListBorrowed": func(ctx context.Context, c *client.Client) error {
		return c.ListBorrowed(ctx, "", nil, nil)
	},
	"ListDecoded": func(ctx context.Context, c *client.Client) error {
		return c.ListDecoded(ctx, "", nil, nil, nil)
	},
	"Create": func(ctx context.Context, c *client.Client) error { return c.Create(ctx, "", nil, nil) },
	"Update": func(ctx context.Context, c *client.Client) error { return c.Update(ctx, "", "", nil, nil) },
	"Delete": func(ctx context.Context, c *client.Client) error { return c.Delete(ctx, "", "") },
}

// validClient is a Client that was never used, of an unreachable
// controller: the zero calls must fail before sending anything (a
// connection error would not match the sentinel wanted).
func validClient(t *testing.T) *client.Client {
	t.Helper()
	c, err := client.New(client.Options{URL: "https://127.0.0.1:1", Username: "u", Password: "p",
		Retry: client.RetryPolicy{MaxAttempts: 1}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// errorMethod checks an error-returning *Client method: on a nil, a zero
// Client, or WithTenant of a nil one it fails with ErrInvalidClient; on
// New's Client with a nil context, or with a context and zero other
// arguments, with ErrInvalidArgument. Login with a context would log in and
// is left out; Logout with a context and no session does nothing (nil).
func errorMethod(name string) zeroCall {
	return func(t *testing.T) string {
		call := clientCalls[name]
		bg := context.Background()
		withCtx := error(client.ErrInvalidArgument)
		if name == "Logout" {
			withCtx = nil
		}
		var problems []string
		for _, c := range []struct {
			desc string
			ctx  context.Context
			c    *client.Client
			want error
			skip bool
		}{
			{"nil Client, nil context", nilCtx, nil, client.ErrInvalidClient, false},
			{"nil Client", bg, nil, client.ErrInvalidClient, false},
			{"zero Client", bg, &client.Client{}, client.ErrInvalidClient, false},
			{"WithTenant of a nil Client", bg, (*client.Client)(nil).WithTenant(""), client.ErrInvalidClient, false},
			{"New's Client, nil context", nilCtx, validClient(t), client.ErrInvalidArgument, false},
			{"New's Client, zero arguments", bg, validClient(t), withCtx, name == "Login"},
		} {
			if c.skip {
				continue
			}
			err := call(c.ctx, c.c)
			if c.want == nil && err != nil {
				problems = append(problems, fmt.Sprintf("%s: err = %v, want nil", c.desc, err))
			} else if p := wantErr(err, c.want); c.want != nil && p != "" {
				problems = append(problems, c.desc+": "+p)
			}
		}
		return strings.Join(problems, "; ")
	}
}

// zeroCalls lists every exported function and method of package client.
var zeroCalls = map[string]zeroCall{
	"New": func(*testing.T) string {
		c, err := client.New(client.Options{})
		if c != nil {
			return "New(Options{}) returned a Client"
		}
		return wantErr(err, client.ErrInvalidOptions)
	},
	"IsNotFound": func(*testing.T) string { return boolFalse(client.IsNotFound(nil)) },
	"IsConflict": func(*testing.T) string { return boolFalse(client.IsConflict(nil)) },
	"IsInUse":    func(*testing.T) string { return boolFalse(client.IsInUse(nil)) },
	"IsStale":    func(*testing.T) string { return boolFalse(client.IsStale(nil)) },
	"StatusCode": func(*testing.T) string {
		if client.StatusCode(nil) != 0 || client.StatusCode(fmt.Errorf("wrapped: %w", (*client.Error)(nil))) != 0 {
			return "StatusCode of nil (or of a nil *Error) is not 0"
		}
		return ""
	},

	"Client.Tenant": func(t *testing.T) string {
		if (*client.Client)(nil).Tenant() != "" || (&client.Client{}).Tenant() != "" {
			return "Tenant of a nil or zero Client is not empty"
		}
		return ""
	},
	"Client.WithTenant": func(t *testing.T) string {
		for _, c := range []*client.Client{nil, {}, validClient(t)} {
			w := c.WithTenant("")
			if w == nil || w.Tenant() != client.DefaultTenant {
				return fmt.Sprintf("WithTenant(\"\") = %v, want a Client in %s", w, client.DefaultTenant)
			}
		}
		return ""
	},
	"Client.URL": func(t *testing.T) string {
		if (*client.Client)(nil).URL() != "" || (&client.Client{}).URL() != "" {
			return "URL of a nil or zero Client is not empty"
		}
		return ""
	},
	"Client.Version": func(t *testing.T) string {
		if (*client.Client)(nil).Version() != "" || (&client.Client{}).Version() != "" {
			return "Version of a nil or zero Client is not empty"
		}
		return ""
	},
	"Client.Controller": func(t *testing.T) string {
		for _, c := range []*client.Client{nil, {}} {
			if info, err := c.Controller(context.Background()); !errors.Is(err, client.ErrInvalidClient) || info != (client.Info{}) {
				return "Controller of a nil or zero Client does not fail with ErrInvalidClient"
			}
			if e, err := c.Edition(context.Background()); !errors.Is(err, client.ErrInvalidClient) || e != "" {
				return "Edition of a nil or zero Client does not fail with ErrInvalidClient"
			}
		}
		return ""
	},
	"Client.Edition": func(t *testing.T) string { return "" }, // with Client.Controller
	"Client.ControllerVersion": func(t *testing.T) string {
		if (*client.Client)(nil).ControllerVersion() != "" || (&client.Client{}).ControllerVersion() != "" {
			return "ControllerVersion of a nil or zero Client is not empty"
		}
		return ""
	},
	"Client.Login":        errorMethod("Login"),
	"Client.Logout":       errorMethod("Logout"),
	"Client.Do":           errorMethod("Do"),
	"Client.Get":          errorMethod("Get"),
	"Client.GetByName":    errorMethod("GetByName"),
	"Client.List":         errorMethod("List"),
	"Client.ListBorrowed": errorMethod("ListBorrowed"),
	"Client.ListDecoded":  errorMethod("ListDecoded"),
	"Client.Create":       errorMethod("Create"),
	"Client.Update":       errorMethod("Update"),
	"Client.Delete":       errorMethod("Delete"),

	"Error.Error": func(*testing.T) string {
		if got := (*client.Error)(nil).Error(); got != "<nil>" {
			return fmt.Sprintf("nil *Error prints %q", got)
		}
		if got := (&client.Error{}).Error(); got == "" {
			return "zero Error prints nothing"
		}
		return ""
	},
	"Error.Is": func(*testing.T) string {
		if (*client.Error)(nil).Is(client.ErrNotFound) || (&client.Error{}).Is(nil) || (&client.Error{}).Is(client.ErrNotFound) {
			return "a nil or zero *Error matches a sentinel"
		}
		return ""
	},
	"DecodeError.Error": func(*testing.T) string {
		if got := (*client.DecodeError)(nil).Error(); got != "<nil>" {
			return fmt.Sprintf("nil *DecodeError prints %q", got)
		}
		if (&client.DecodeError{}).Error() == "" {
			return "zero DecodeError prints nothing"
		}
		return ""
	},
	"DecodeError.Unwrap": func(*testing.T) string {
		if (*client.DecodeError)(nil).Unwrap() != nil || (&client.DecodeError{}).Unwrap() != nil {
			return "a nil or zero *DecodeError unwraps to an error"
		}
		return ""
	},

	"Password.String":   func(*testing.T) string { return emptyString(client.Password("").String()) },
	"Password.GoString": func(*testing.T) string { return wantString(client.Password("").GoString(), `client.Password("")`) },
	"Password.Format": func(*testing.T) string {
		return emptyString(fmt.Sprintf("%v%s%x%d", client.Password(""), client.Password(""), client.Password(""), client.Password("")))
	},
	"Password.MarshalJSON": func(*testing.T) string {
		b, err := client.Password("").MarshalJSON()
		if err != nil || string(b) != `""` || !json.Valid(b) {
			return fmt.Sprintf("MarshalJSON = %s, %v", b, err)
		}
		return ""
	},
	"Password.MarshalText": func(*testing.T) string {
		b, err := client.Password("").MarshalText()
		if err != nil || len(b) != 0 {
			return fmt.Sprintf("MarshalText = %q, %v", b, err)
		}
		return ""
	},
	"Password.MarshalLog": func(*testing.T) string { return wantString(fmt.Sprint(client.Password("").MarshalLog()), "") },
	"Password.LogValue":   func(*testing.T) string { return emptyString(client.Password("").LogValue().String()) },
}

func boolFalse(b bool) string {
	if b {
		return "true for nil"
	}
	return ""
}

func emptyString(s string) string { return wantString(s, "") }

func wantString(got, want string) string {
	if got != want {
		return fmt.Sprintf("got %q, want %q", got, want)
	}
	return ""
}

// TestZeroValues calls every exported function and method of the package
// with nil and zero values: none may panic, and each returns its documented
// error or zero result.
func TestZeroValues(t *testing.T) {
	for name, call := range zeroCalls {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("panic: %v", r)
				}
			}()
			if p := call(t); p != "" {
				t.Error(p)
			}
		})
	}
}

// TestZeroValuesListsEveryExport fails when an exported function or method
// is added to the package without a case in zeroCalls.
func TestZeroValuesListsEveryExport(t *testing.T) {
	exported := exportedAPI(t, ".")
	var listed []string
	for name := range zeroCalls {
		listed = append(listed, name)
	}
	sort.Strings(listed)
	if diff := cmp.Diff(exported, listed); diff != "" {
		t.Errorf("zeroCalls does not match the exported API (-exported +listed):\n%s", diff)
	}
}

// exportedAPI returns the exported functions ("New") and the exported
// methods of exported types ("Client.Login") declared in the non-test Go
// files of dir, sorted.
func exportedAPI(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	var names []string
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, e.Name()), nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		{
			for _, d := range f.Decls {
				fd, ok := d.(*ast.FuncDecl)
				if !ok || !fd.Name.IsExported() {
					continue
				}
				if fd.Recv == nil {
					names = append(names, fd.Name.Name)
					continue
				}
				typ := fd.Recv.List[0].Type
				if star, ok := typ.(*ast.StarExpr); ok {
					typ = star.X
				}
				if id, ok := typ.(*ast.Ident); ok && id.IsExported() {
					names = append(names, id.Name+"."+fd.Name.Name)
				}
			}
		}
	}
	if len(names) == 0 {
		t.Fatalf("no exported function found in %s", dir)
	}
	sort.Strings(names)
	return names
}
