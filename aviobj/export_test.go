package aviobj

// ParseRefURL is ParseRef through net/url only, for tests.
var ParseRefURL = parseRefURL
