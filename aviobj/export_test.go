package aviobj

// ParseRefURL is ParseRef through net/url only, for tests.
var ParseRefURL = parseRefURL

// SchemaAccepts is the generated acceptance of check_gen.go, for tests.
var SchemaAccepts = schemaAccepts
