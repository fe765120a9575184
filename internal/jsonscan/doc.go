// Package jsonscan checks and splits JSON without decoding it: Value finds
// the end of a value, accepting exactly what json.Valid accepts, and
// Members and Elements walk an object's members and an array's elements as
// sub-slices of the input. Each byte is read once and nothing is copied,
// which is several times faster than a json.Decoder finding the same
// spans. The client splits list pages with it (client.List); avischema
// reads number literals with it.
package jsonscan
