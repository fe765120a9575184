package client_test

import "net/http"

func fakeHTTPClient() *http.Client { return &http.Client{} }
