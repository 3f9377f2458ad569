// Rendering incidents for people (text) and programs (JSON), to an injected stream.
#pragma once

#include <ostream>
#include <vector>

#include "model/incident.hpp"

namespace hungtask {

class ReportWriter {
  public:
    virtual ~ReportWriter() = default;
    // Many incidents, newest first.
    virtual void write_list(const std::vector<Incident>& incidents) = 0;
    // One incident in full.
    virtual void write_incident(const Incident& incident) = 0;
};

// Text: a table for lists.  For one incident: the verdict (with its confidence) and summary,
// victim and stack, the chain hop by hop, the evidence, the host and what the host context
// implies, and last what to do next.  Sections a record lacks (older records have no
// evidence or next steps) are left out.
class TextReport : public ReportWriter {
  public:
    explicit TextReport(std::ostream& out) : out_(out) {}
    void write_list(const std::vector<Incident>& incidents) override;
    void write_incident(const Incident& incident) override;

  private:
    std::ostream& out_;
};

// JSON: always the design.md array of incident records, pretty-printed.
class JsonReport : public ReportWriter {
  public:
    explicit JsonReport(std::ostream& out) : out_(out) {}
    void write_list(const std::vector<Incident>& incidents) override;
    void write_incident(const Incident& incident) override;

  private:
    std::ostream& out_;
};

// Newest first: by detected_at (unknown times last), then boot and seq descending.
std::vector<Incident> newest_first(std::vector<Incident> incidents);

}  // namespace hungtask
