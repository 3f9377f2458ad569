// The one ingest stage: source -> host facts -> explain -> store -> ack.
//
// Decoders (the kernel log reader, the kmsg record reader, the netlink decoder, the JSON
// reader) only decode.  Every command hands what they decoded to this stage: `run` (netlink
// and --kmsg) stores and acks, `scan-log` stores or prints, `explain` only explains.  The
// explainer runs once per incident, after the host facts it may read are in place.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "model/incident.hpp"
#include "model/result.hpp"
#include "store/store.hpp"

namespace hungtask {

// Where a decoded incident came from; decides which facts the stage may add.
enum class Origin {
    // hungtask.ko over generic netlink, this boot: the module read the host facts at
    // detection; the live host only fills gaps.  A missing boot id is ours; detection
    // time is now.
    netlink,
    // The running kernel's log (run --kmsg): the live host completes the incident
    // (captured facts only fill gaps; for a kernel-only report, live sysctls beat the
    // log's boot-time evidence).  Detection time comes from the record's kernel
    // timestamp.
    kmsg,
    // A log file of any boot or host (scan-log): only what the log says, nothing live.
    log_file,
    // A record read back from an export (explain): nothing added; only a chain captured
    // by hungtask.ko is explained again.
    export_record,
};

// The live host, for the origins that have one.
struct IngestHost {
    std::string root;                    // prefix for /proc and /sys (tests)
    std::optional<std::string> boot_id;  // netlink: for incidents that carry none
    // Wall and monotonic clocks in seconds (tests replace them).
    std::function<double()> realtime;
    std::function<double()> monotonic;
};

// Step 1, when: detection time (and for netlink the boot id) the source did not give.
void stamp_incident(Incident& in, Origin origin, const IngestHost& host);
// Step 2, host facts: what host.cpp reads live, for the origins on the live host.
void apply_host_facts(Incident& in, Origin origin, const IngestHost& host);
// The explainer (explain_verdict); tests pass their own to watch what it is given.
using Explainer = std::function<Verdict(const Incident&)>;

// Step 3, explain: the verdict from what the incident holds (pure).  A chain captured by
// hungtask.ko goes to the explainer; a kernel-only report gets its honest summary.
void explain_incident(Incident& in, Origin origin, const Explainer& explain = {});
// Step 3 for a batch: e.g. what parse_kernel_log() decoded from a file.
std::vector<Incident> explain_all(std::vector<Incident> incidents, Origin origin);

class Pipeline {
  public:
    // `store` may be null: the stage then stops after explain (explain, scan-log
    // without --store).
    Pipeline(Store* store, IngestHost host, Explainer explain = {});

    // Steps 1-3: the incident as it would be stored.
    Incident prepare(Incident in, Origin origin) const;

    // Called once the incident is durable (kmsg cursor, a kernel-side ring).
    using Ack = std::function<void(const UpsertResult&)>;

    // Steps 1-5.  `in` is prepared in place, so that a failed store can be retried with
    // it.  An Error means nothing was stored and nothing acked (retry later).  Needs a
    // store.  The netlink source acks itself when its sink reports success.
    Result<UpsertResult> ingest(Incident& in, Origin origin, const Ack& ack = {});

  private:
    Store* store_;
    IngestHost host_;
    Explainer explain_;
};

// The live clocks, for IngestHost.
double wall_clock_seconds();
double monotonic_clock_seconds();

}  // namespace hungtask
