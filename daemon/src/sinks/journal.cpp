#include "sinks/journal.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "model/fingerprint.hpp"
#include "model/frames.hpp"

namespace hungtask {

namespace {

void add_field(std::string& out, const char* name, const std::string& value) {
    if (value.find('\n') == std::string::npos) {
        out += name;
        out += '=';
        out += value;
        out += '\n';
        return;
    }
    out += name;
    out += '\n';
    uint64_t n = value.size();
    for (int i = 0; i < 8; i++)
        out += char((n >> (8 * i)) & 0xff);
    out += value;
    out += '\n';
}

}  // namespace

std::string incident_fingerprint(const Incident& in) {
    return chain_fingerprint(in);
}

std::string journal_entry(const Incident& in, const std::string& message) {
    std::string out;
    // The stderr line's "<N>" syslog prefix is the PRIORITY field here, not text.
    std::string_view text = message;
    if (text.size() > 3 && text[0] == '<' && text[1] >= '0' && text[1] <= '7' && text[2] == '>')
        text.remove_prefix(3);
    add_field(out, "MESSAGE", std::string(text));
    add_field(out, "MESSAGE_ID", kIncidentMessageId);
    // The same rule as the stderr line's prefix: err when a culprit is named, warning for
    // an unknown cause.
    add_field(out, "PRIORITY", in.verdict.culprit ? "3" : "4");
    add_field(out, "SYSLOG_IDENTIFIER", "hungtaskd");
    add_field(out, "INCIDENT_ID", in.id);
    add_field(out, "SEQ", std::to_string(in.seq));
    if (in.boot_id)
        add_field(out, "BOOT", *in.boot_id);
    add_field(out, "TRIGGER", std::string(to_string(in.trigger)));
    add_field(out, "VERDICT", std::string(to_string(in.verdict.kind)));
    const auto& c = in.verdict.culprit;
    std::string culprit = "unknown";
    if (c && c->comm)
        culprit = *c->comm;
    else if (c && c->function)
        culprit = *c->function;
    add_field(out, "CULPRIT", culprit);
    if (c && c->pid)
        add_field(out, "CULPRIT_PID", std::to_string(*c->pid));
    if (c && c->function)
        add_field(out, "CULPRIT_FUNCTION", *c->function);
    if (c && c->module)
        add_field(out, "CULPRIT_MODULE", *c->module);
    if (!in.victims.empty()) {
        add_field(out, "VICTIM_COMM", in.victims[0].comm);
        add_field(out, "VICTIM_PID", std::to_string(in.victims[0].pid));
    }
    add_field(out, "FINGERPRINT", incident_fingerprint(in));
    if (!in.verdict.summary.empty())
        add_field(out, "SUMMARY", in.verdict.summary);
    return out;
}

Status journal_send(const std::string& payload, const std::string& socket_path) {
    std::string path = socket_path;
    if (path.empty()) {
        const char* env = std::getenv("HUNGTASK_JOURNAL_SOCKET");
        path = env && *env ? env : kJournalSocket;
    }
    struct sockaddr_un addr {};
    addr.sun_family = AF_UNIX;
    if (path.size() >= sizeof addr.sun_path)
        return Error{"socket path too long", path};
    std::memcpy(addr.sun_path, path.data(), path.size());
    int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return Error{std::string("socket failed: ") + std::strerror(errno), path};
    // Entries are a few KiB; journald takes datagrams far larger than that (it needs a
    // memfd only beyond the socket's maximum datagram size).
    ssize_t n = ::sendto(fd, payload.data(), payload.size(), MSG_NOSIGNAL,
                         reinterpret_cast<struct sockaddr*>(&addr), sizeof addr);
    int err = errno;
    ::close(fd);
    if (n < 0)
        return Error{std::string("sendto failed: ") + std::strerror(err), path};
    return Ok{};
}

}  // namespace hungtask
