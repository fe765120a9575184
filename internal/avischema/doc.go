// Package avischema checks JSON bodies of Avi Controller objects against the
// controller's published swagger 2.0 schema.
//
// The schema is one swagger document per object type (Pool, VsVip,
// VirtualService, L4PolicySet, HealthMonitor, PoolGroup, NetworkProfile,
// ApplicationProfile). Most of its facts are not swagger keywords but prose in
// the description of each property; Load reads the documents and reduces every
// property reachable from those object types to a [Field]:
//
//   - the JSON type (string, integer with its format, number, boolean, array
//     with its items, or object named by a $ref);
//   - enums, from "Enum options - A, B, C." (for arrays they apply to items);
//   - ranges, from "Allowed values are 1-65535." (for arrays of integers they
//     apply to items; ranges of number fields such as "-90.0-+90.0" are kept);
//   - special values allowed outside the range, from "Special values are
//     0 - Immediate, -1 - Infinite." ("MAX" means the largest value of the
//     field's format);
//   - item counts, from "Minimum of 1 items required." and "Maximum of 4
//     items allowed.";
//   - the object type a string refers to, from "It is a reference to an
//     object of type Pool.";
//   - required properties, readOnly (server-filled) properties and defaults;
//   - the release that introduced a field, from "Field introduced in
//     22.1.3.", and the licence editions that may set it, with the values
//     each allows, from "Allowed in Enterprise edition with any value,
//     Essentials edition(Allowed values- A,B), ...".
//
// Descriptions in a form the parser does not recognise yield no constraint
// rather than a wrong one; in particular a range whose special values cannot
// be parsed is dropped, so that no valid value is ever rejected.
//
// [Schema.Validate] then reports every problem of a body, each with a JSON path
// such as "vip[0].ip_address.type" and a lower-case message in the style of
// Kubernetes field errors ("unknown field", "must be an integer, got 1.5",
// "must be one of V4, DNS, V6, got \"V5\"", "required field is missing").
//
// [AtVersion] and [InEdition] make Validate refuse, as a controller of that
// version or licence edition does, fields introduced after the requested
// version and values the edition does not allow. The schema dates fields,
// not enum values; the SCTP values (HEALTH_MONITOR_SCTP,
// PROTOCOL_TYPE_SCTP_PROXY, ...) are dated 22.1.3 by a small table
// ([ValueIntroduced]), the release of the SCTP fields.
//
// Decisions worth knowing:
//
//   - JSON null is a problem ("must not be null") unless [AllowNull] is
//     given, which treats a null property as absent. Avi SDKs omit unset
//     fields rather than sending null, so a null is almost always a bug.
//   - A required property that has a default value (e.g. the type of a
//     NetworkProfileUnion) is not reported missing, on the assumption that the
//     controller applies the default.
//   - Integers must be integral JSON numbers (80 and 80.0 and 8e1 are all the
//     integer 80) and must fit their format (int32, uint32, int64, uint64) when
//     the description gives no range.
//   - A reference written as a REST path ("/api/pool/?name=x" or
//     "https://host/api/pool/pool-uuid#x") must name the object type the
//     schema says it refers to; bare uuids and names are not checked.
//   - A field an edition may not set is accepted when it holds its default
//     (the schema default, false, "", [] or {}): bodies read back from a
//     controller carry the defaults of every field.
//   - readOnly fields ("url", "_last_modified", ...) are accepted unless
//     [ForbidReadOnly] is given: bodies read back from a controller carry
//     them, bodies sent to create or update one must not.
//
// The schema folder is found by [Locate] ($AVIL4_SCHEMA_DIR, else
// ../shared/avi-schema beside the repository root); tests use [ForTest], which
// skips when it is absent. A compact snapshot of the same facts is embedded in
// the package (facts.json, made by the generator in ./gen) and served by
// [Embedded], so code that ships to users without the shared folder, such as a
// fake controller, can validate too. A test fails when the snapshot is stale.
// Regenerate it from the repository root with:
//
//	go run ./internal/avischema/gen -schema ../shared/avi-schema -out internal/avischema/facts.json
package avischema

//go:generate go run ./gen -schema ../../../shared/avi-schema -out facts.json
