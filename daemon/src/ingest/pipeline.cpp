#include "ingest/pipeline.hpp"

#include <ctime>

#include "explain/explain.hpp"
#include "ingest/kernel_summary.hpp"
#include "model/iso_time.hpp"
#include "sources/host.hpp"

namespace hungtask {

namespace {

double clock_seconds(clockid_t id) {
    struct timespec ts {};
    clock_gettime(id, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
}

double now(const std::function<double()>& clock, double (*fallback)()) {
    return clock ? clock() : fallback();
}

}  // namespace

double wall_clock_seconds() {
    return clock_seconds(CLOCK_REALTIME);
}

double monotonic_clock_seconds() {
    return clock_seconds(CLOCK_MONOTONIC);
}

void stamp_incident(Incident& in, Origin origin, const IngestHost& host) {
    switch (origin) {
        case Origin::netlink:
            if (!in.boot_id)
                in.boot_id = host.boot_id;
            if (!in.detected_at)
                in.detected_at = iso8601_utc(int64_t(now(host.realtime, wall_clock_seconds)));
            return;
        case Origin::kmsg:
            if (!in.detected_at) {
                // The record's kernel timestamp (local_clock, close to CLOCK_MONOTONIC)
                // dates the detection; without one, the time we saw it.
                double wall = now(host.realtime, wall_clock_seconds);
                double mono = now(host.monotonic, monotonic_clock_seconds);
                double at = wall;
                if (in.first_seen_uptime_s && *in.first_seen_uptime_s <= mono)
                    at = wall - (mono - *in.first_seen_uptime_s);
                in.detected_at = iso8601_utc(int64_t(at));
            }
            return;
        case Origin::log_file:
        case Origin::export_record:
            return;
    }
}

void apply_host_facts(Incident& in, Origin origin, const IngestHost& host) {
    switch (origin) {
        case Origin::netlink:
            fill_host(in.host, read_host_facts(host.root), true);
            return;
        case Origin::kmsg:
            fill_host(in.host, read_host_facts(host.root), !in.capture.is_null());
            return;
        case Origin::log_file:
        case Origin::export_record:
            return;
    }
}

void explain_incident(Incident& in, Origin origin, const Explainer& explain) {
    // hungtask.ko captured it: the explainer speaks, even when there is no chain.
    if (!in.capture.is_null()) {
        in.verdict = explain ? explain(in) : explain_verdict(in);
        return;
    }
    // An exported kernel-only record keeps the words it was stored with.
    if (origin == Origin::export_record)
        return;
    if (in.chain.empty() && in.verdict.kind == VerdictKind::unknown && !in.verdict.culprit)
        in.verdict.summary = hung_task_summary(in);
}

std::vector<Incident> explain_all(std::vector<Incident> incidents, Origin origin) {
    for (auto& in : incidents)
        explain_incident(in, origin);
    return incidents;
}

Pipeline::Pipeline(Store* store, IngestHost host, Explainer explain)
    : store_(store), host_(std::move(host)), explain_(std::move(explain)) {}

Incident Pipeline::prepare(Incident in, Origin origin) const {
    stamp_incident(in, origin, host_);
    apply_host_facts(in, origin, host_);
    explain_incident(in, origin, explain_);
    return in;
}

Result<UpsertResult> Pipeline::ingest(Incident& in, Origin origin, const Ack& ack) {
    in = prepare(std::move(in), origin);
    if (!store_)
        return Error{"no store to add the incident to", in.id};
    auto r = store_->upsert(in);
    if (!r)
        return r.error();
    if (ack)
        ack(*r);
    return r;
}

}  // namespace hungtask
