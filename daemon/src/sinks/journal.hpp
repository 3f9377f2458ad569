// One structured journal entry per stored incident, over journald's native protocol:
// a datagram of "FIELD=value\n" lines (a value holding a newline is sent as
// "FIELD\n" + its length, 64-bit little endian + the bytes + "\n") to
// /run/systemd/journal/socket.  No libsystemd.
#pragma once

#include <string>

#include "model/incident.hpp"
#include "model/result.hpp"

namespace hungtask {

// MESSAGE_ID of every incident entry; packaging/catalog/hungtaskd.catalog explains it.
inline constexpr const char* kIncidentMessageId = "8ad697a72c4e45e99ad9d4db6bdd40b4";
inline constexpr const char* kJournalSocket = "/run/systemd/journal/socket";

// Groups incidents with the same cause across reboots and hosts: the chain fingerprint
// (model/fingerprint.hpp: hop kinds, functions, modules, verdict; never pids, comms,
// addresses or times), the same hash as the record's fingerprint.hash.
std::string incident_fingerprint(const Incident& incident);

// The entry's payload in the native protocol.  Fields: MESSAGE (the daemon's log line),
// MESSAGE_ID, PRIORITY (3, err), SYSLOG_IDENTIFIER, INCIDENT_ID, SEQ, BOOT (the
// incident's boot id, which may be an earlier boot than the entry's _BOOT_ID), TRIGGER,
// VERDICT, CULPRIT ("unknown" without a proven culprit), CULPRIT_PID, CULPRIT_FUNCTION,
// CULPRIT_MODULE (each only when known), VICTIM_COMM, VICTIM_PID, FINGERPRINT, SUMMARY.
std::string journal_entry(const Incident& incident, const std::string& message);

// Sends `payload` to `socket_path` (default: $HUNGTASK_JOURNAL_SOCKET, else
// kJournalSocket).  Errors name the socket.
Status journal_send(const std::string& payload, const std::string& socket_path = "");

}  // namespace hungtask
