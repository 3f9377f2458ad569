// The incident store: one JSON record per incident under a state directory, written
// crash-safely so that a record survives the panic that usually follows a hung task.
//
// Layout (format 1):
//   STATE_DIR/               0700, root only: records hold kernel addresses
//   STATE_DIR/FORMAT         "hungtaskd-store 1\n"
//   STATE_DIR/incidents/ID.json   0600, {"format":1,"stored_at":"...","incident":{...}}
//   STATE_DIR/fingerprints.json   0600, per chain fingerprint: first and last seen, count
//                                 (of incidents stored with it, across boots; kept when
//                                 retention removes records)
//
// Writes go to a temporary file in the same directory, are fsync'ed, renamed over the
// record and the directory is fsync'ed: a reader sees the old or the new record, never a
// torn one.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "model/incident.hpp"
#include "model/result.hpp"

namespace hungtask {

inline constexpr int kStoreFormat = 1;
inline constexpr size_t kMaxFingerprints = 4096;  // shapes remembered
inline constexpr const char* kDefaultStateDir = "/var/lib/hungtaskd";

struct StoreLimits {
    size_t max_records = 1000;
    uint64_t max_bytes = 64ull << 20;
};

struct StoredIncident {
    Incident incident;
    std::string stored_at;  // ISO 8601 UTC of the last write
    std::string path;
    uint64_t bytes = 0;
};

enum class UpsertKind { created, updated, unchanged };

struct UpsertResult {
    UpsertKind kind;
    Incident incident;  // as stored (with its final id and seq)
};

class Store {
  public:
    // Opens (creating if needed) the store at `dir`.  Fails if the directory holds a
    // store of another format, or cannot be created.  `log` receives warnings (corrupt
    // records skipped) and retention notices.  `now` gives the wall clock (for tests).
    static Result<Store> open(const std::string& dir, std::ostream& log, StoreLimits limits = {},
                              std::function<int64_t()> now = {});

    // Opens an existing store read-only (for `report`): no directory is created.
    static Result<Store> open_existing(const std::string& dir, std::ostream& log);

    // All readable records, in no particular order.  Unreadable ones were reported.
    const std::vector<StoredIncident>& records() const { return records_; }
    // How many record files load() skipped as unreadable (each was named in the log).
    size_t skipped() const { return skipped_; }
    std::vector<Incident> incidents() const;
    const Incident* find(const std::string& id) const;
    // First/last seen and count of a chain fingerprint; incidents() fills them in.
    std::optional<FingerprintSeen> seen(const std::string& hash) const;

    // Adds an incident, or folds it into the stored one with the same incident_key().
    // A new incident keeps its id "<boot prefix>-<seq>" when that is well formed and
    // free; otherwise it gets the next free seq of its boot.
    Result<UpsertResult> upsert(const Incident& incident);

    const std::string& dir() const { return dir_; }

  private:
    Store(std::string dir, std::ostream& log, StoreLimits limits, std::function<int64_t()> now);
    Status load();
    void load_fingerprints();
    // delta 1: one more incident with this shape; -1: one less; 0: seen again.
    void count_fingerprint(const std::string& hash, const Incident& in, int64_t delta);
    Status save_fingerprints();
    Status write_record(StoredIncident& rec);
    void enforce_retention(const std::string& keep_id);

    std::string dir_;
    std::ostream* log_;
    StoreLimits limits_;
    std::function<int64_t()> now_;
    std::vector<StoredIncident> records_;
    size_t skipped_ = 0;
    std::map<std::string, FingerprintSeen> fingerprints_;
};

// Writes `data` to `path` atomically (temp file in the same directory, fsync, rename,
// fsync of the directory) with `mode` permissions.
Status write_file_atomic(const std::string& path, const std::string& data, unsigned mode);

}  // namespace hungtask
