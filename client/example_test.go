package client_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"

	"github.com/avil4/avil4/aviobj"
	"github.com/avil4/avil4/avitest"
	"github.com/avil4/avil4/client"
)

func Example() {
	fake := avitest.New() // an in-memory controller; use your controller's URL
	defer fake.Close()

	c, err := client.New(client.Options{
		URL:      fake.URL(),
		Username: fake.Username(),
		Password: client.Password(fake.Password()),
		CAPool:   fake.CertPool(), // verify the controller's certificate
	})
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	for _, name := range []string{"web", "db"} {
		if err := c.Create(ctx, aviobj.KindPool, aviobj.Pool{Name: name}, nil); err != nil {
			log.Fatal(err)
		}
	}
	err = c.List(ctx, aviobj.KindPool, nil, func(raw json.RawMessage) error {
		var p aviobj.Pool
		if err := json.Unmarshal(raw, &p); err != nil {
			return err
		}
		ref, _ := aviobj.ParseRef(p.CloudRef)
		fmt.Println(p.Name, "in", ref.Name)
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	err = c.GetByName(ctx, aviobj.KindPool, "cache", nil)
	fmt.Println(client.IsNotFound(err), err)
	// Output:
	// web in Default-Cloud
	// db in Default-Cloud
	// true pool "cache": not found
}

func ExamplePassword() {
	opts := client.Options{URL: "https://avi.example.com", Username: "admin", Password: "s3cret"}
	fmt.Println(opts.Password)
	fmt.Printf("%q %#v\n", opts.Password, opts.Password)
	data, _ := json.Marshal(opts)
	fmt.Println(string(data))
	// Output:
	// [redacted]
	// "[redacted]" client.Password("[redacted]")
	// {"url":"https://avi.example.com","username":"admin","password":"[redacted]"}
}
