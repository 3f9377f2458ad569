// Where incidents come from when hungtaskd follows a kernel log (--kmsg).  The netlink
// source (netlink_source.hpp) has its own loop: it needs dumps and acks, not idle flushes.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "model/incident.hpp"
#include "model/result.hpp"

namespace hungtask {

class IncidentSource {
  public:
    virtual ~IncidentSource() = default;

    virtual std::string name() const = 0;
    // A descriptor to poll for input (POLLIN), or -1 to be polled on a timer.
    virtual int fd() const = 0;
    // Reads what is available now without blocking.  Returns incidents created or
    // changed; an Error means the source is unusable.
    virtual Result<std::vector<Incident>> read_available() = 0;
    // Called when nothing arrived for a while: completes partial input.
    virtual std::vector<Incident> on_idle() = 0;
    // True once a finite source (a file) has been read to its end.
    virtual bool at_end() const = 0;
    // The daemon made `incident` durable; a source with a kernel-side ring acks it.
    virtual void acknowledge(const Incident& incident) { (void)incident; }
};

}  // namespace hungtask
