package avitest_test

import (
	"context"
	"fmt"
	"log"

	"github.com/avil4/avil4/aviobj"
	"github.com/avil4/avil4/avitest"
)

func Example() {
	// The first POST of a pool fails with 503; the client retries it.
	fake := avitest.New(
		avitest.WithVIPRange("10.50.0.0/24"),
		avitest.WithFault(avitest.FailNth("POST", "pool", 1, avitest.Fault{Status: 503})),
	)
	defer fake.Close()
	c, err := fake.NewClient() // in a test: c := fake.Client(t)
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	if err := c.Create(ctx, aviobj.KindPool, aviobj.Pool{Name: "web"}, nil); err != nil {
		log.Fatal(err)
	}
	var vip aviobj.VsVip
	err = c.Create(ctx, aviobj.KindVsVip, aviobj.VsVip{
		Name: "web", Vip: []aviobj.Vip{{VipID: "0", AutoAllocateIP: aviobj.Bool(true)}},
	}, &vip)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("VIP:", vip.Vip[0].IPAddress.Addr)
	fmt.Println("pools:", fake.Names("admin", aviobj.KindPool))
	fmt.Println("calls:", fake.Calls())
	fmt.Println("logins:", fake.Logins(), "faults:", fake.Faults())
	// Output:
	// VIP: 10.50.0.1
	// pools: [web]
	// calls: POST pool=2 POST vsvip=1
	// logins: 1 faults: 1
}
