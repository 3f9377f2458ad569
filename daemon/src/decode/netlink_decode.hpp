// hungtask generic netlink messages (proto/hungtask.yaml) -> Incident.
//
// Input: one message of the "hungtask" family without its nlmsghdr, i.e. the genlmsghdr
// (cmd u8, version u8, reserved u16) followed by the `incident` attribute set, as the
// module sends it for the EVENT notification and for each INCIDENT_GET dump reply.
//
// The decoder is pure and trusts nothing: every attribute length, nested or not, is
// checked against what encloses it and against the size its type needs; strings must be
// NUL-terminated inside their attribute.  Attribute types it does not know are skipped
// (a newer module may add some, proto/README.md), `pad` included.  A malformed message
// is an Error whose `where` is the attribute path, e.g. "hop[1].worker.task.comm".
//
// The Incident has the shape ModuleRecordAssembler (kmsg_record.hpp) gives for the same
// capture: the same victim fields, hop `fields` keys in the same order, host, capture
// block, so the store treats both sources alike (neither sets the verdict: the ingest stage
// does, ingest/pipeline.hpp).  Differences: source is
// "netlink", capture.netlink_version replaces capture.kmsg_version, repeats comes from
// the module (1 + its coalesced reports), and id/seq are the module's seq (the store
// keeps them when free, see Store::upsert).
#pragma once

#include <cstdint>
#include <span>

#include "model/incident.hpp"
#include "model/result.hpp"

namespace hungtask {

// Decodes an EVENT or INCIDENT_GET message; any other genl cmd is an error, and so is a
// reduced event (it carries no chain: read its header and fetch it by dump).  The module
// instance id, when sent, is capture.instance_id (16 hex digits).
Result<Incident> decode_incident_message(std::span<const uint8_t> genl_payload);

// What places an incident message in the module's sequence (proto/README.md, reader
// contract), without decoding the rest.  A reduced event carries little more than this.
struct IncidentHeader {
    uint8_t cmd = 0;
    uint64_t seq = 0;
    std::string boot_id;
    uint64_t instance_id = 0;  // 0: not sent (a module older than instance ids)
    bool reduced = false;      // an event too large to send whole: fetch it by dump
};
Result<IncidentHeader> decode_incident_header(std::span<const uint8_t> genl_payload);

// An instance id as the daemon prints and stores it: 16 lower-case hex digits.
std::string instance_id_text(uint64_t id);

}  // namespace hungtask
