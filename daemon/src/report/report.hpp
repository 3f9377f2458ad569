// Rendering incidents for people (text) and programs (JSON), to an injected stream.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "model/incident.hpp"

namespace hungtask {

class ReportWriter {
  public:
    virtual ~ReportWriter() = default;
    // Many incidents, in the order given (callers sort them with newest_first()).
    virtual void write_list(const std::vector<Incident>& incidents) = 0;
    // One incident in full.
    virtual void write_incident(const Incident& incident) = 0;
};

// Text: a table for lists.  For one incident: the verdict (with its confidence) and summary,
// victim and stack, the chain hop by hop, the evidence, the host and what the host context
// implies, and last what to do next.  Sections a record lacks (older records have no
// evidence or next steps) are left out.
struct TextOptions {
    size_t width = 80;   // wrap prose and chain lines here (the terminal's width, or 80)
    bool utc = true;     // times in UTC, else in the local zone
    bool color = false;  // ANSI colours (only on a terminal, never with NO_COLOR)
    // When an incident was stored (ISO 8601 UTC) by id: the list shows it, marked, for
    // incidents without a detection time.
    std::map<std::string, std::string> stored_at;
};

class TextReport : public ReportWriter {
  public:
    explicit TextReport(std::ostream& out, TextOptions opts = {})
        : out_(out), opts_(std::move(opts)) {}
    void write_list(const std::vector<Incident>& incidents) override;
    void write_incident(const Incident& incident) override;

  private:
    void write_incident_to(std::ostream& out, const Incident& incident);
    std::ostream& out_;
    TextOptions opts_;
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

// Newest first: by detected_at or, for an incident without one (imported from a log), the
// time it was stored (`stored_at`, id -> ISO 8601 UTC); incidents with neither come last;
// ties by boot and seq descending.
std::vector<Incident> newest_first(std::vector<Incident> incidents,
                                   const std::map<std::string, std::string>& stored_at = {});

// The time newest_first() orders `incident` by, as Unix seconds, or nullopt.
std::optional<int64_t> incident_time(const Incident& incident,
                                     const std::map<std::string, std::string>& stored_at);

// "comm[pid] in function [module]", "module M", or "-".
std::string culprit_text(const std::optional<Culprit>& culprit);

// Writes `words` wrapped at `width` columns: the first line continues one already
// `first_col` wide, the others start with `indent`.  Never splits "pid N" (nor "tgid N",
// "ppid N", "CPU N"), and a word longer than a line (a function name, a stack frame) is
// not cut.
void wrap_words(std::ostream& out, const std::string& words, size_t first_col,
                const std::string& indent, size_t width);

// Every line of `text` longer than `width` wrapped the same way (a "Label:   value" line
// continues under its value, any other under its indentation plus four columns); lines
// that fit are left as they are.
std::string wrap_text(const std::string& text, size_t width);

}  // namespace hungtask
