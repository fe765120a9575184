package reconciler

import (
	"time"

	"golang.org/x/time/rate"
	"k8s.io/client-go/util/workqueue"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
)

// Retry limiter settings: the first retry of a failed object comes after
// minRetryDelay and each further one doubles it, up to the cap; overall the
// queue admits bucketQPS requests a second with bursts of bucketBurst, as
// controller-runtime's default limiter does.
const (
	minRetryDelay = 5 * time.Millisecond
	bucketQPS     = 10
	bucketBurst   = 100
)

// NewRateLimiter returns the per-object retry limiter of a controller:
// exponential per object from 5 ms up to maxBackoff, and an overall token
// bucket (10 a second, bursts of 100), the larger delay winning but never
// more than maxBackoff. controller-runtime's default grows to 1000 s, so
// after a long Avi controller outage an object could wait a quarter of an
// hour; with this one every object is retried within maxBackoff of its
// last failure. It returns nil (controller-runtime's default) when
// maxBackoff is zero or negative. Every controller needs its own: the
// limiter keeps per-object state.
func NewRateLimiter(maxBackoff time.Duration) workqueue.TypedRateLimiter[reconcile.Request] {
	if maxBackoff <= 0 {
		return nil
	}
	floor := min(minRetryDelay, maxBackoff)
	return cappedLimiter{
		max: maxBackoff,
		TypedRateLimiter: workqueue.NewTypedMaxOfRateLimiter(
			workqueue.NewTypedItemExponentialFailureRateLimiter[reconcile.Request](floor, maxBackoff),
			&workqueue.TypedBucketRateLimiter[reconcile.Request]{Limiter: rate.NewLimiter(rate.Limit(bucketQPS), bucketBurst)},
		),
	}
}

// cappedLimiter bounds the delay of another limiter: the token bucket alone
// can owe more than the cap after a burst of failures.
type cappedLimiter struct {
	workqueue.TypedRateLimiter[reconcile.Request]
	max time.Duration
}

// When returns the inner limiter's delay, at most the cap.
func (l cappedLimiter) When(item reconcile.Request) time.Duration {
	return min(l.TypedRateLimiter.When(item), l.max)
}
