#include "store/store.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>

#include "model/coalesce.hpp"
#include "model/fingerprint.hpp"
#include "model/iso_time.hpp"

namespace hungtask {

namespace {

constexpr const char* kFormatFile = "FORMAT";
constexpr const char* kFormatText = "hungtaskd-store 1\n";
constexpr const char* kIncidentDir = "incidents";
// Recurrence counts per chain fingerprint (model/fingerprint.hpp), across boots:
// {"format":1,"fingerprints":{"HASH":{"first_seen":ISO,"last_seen":ISO,"count":N}}}.
constexpr const char* kFingerprintFile = "fingerprints.json";

std::string errno_text(int err) {
    return std::strerror(err);
}

Status make_private_dir(const std::string& path) {
    if (::mkdir(path.c_str(), 0700) != 0 && errno != EEXIST)
        return Error{"cannot create directory: " + errno_text(errno), path};
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0)
        return Error{"cannot stat: " + errno_text(errno), path};
    if (!S_ISDIR(st.st_mode))
        return Error{"not a directory", path};
    // Records hold kernel addresses: keep the tree root-only even if it pre-existed.
    if ((st.st_mode & 07777) != 0700 && ::chmod(path.c_str(), 0700) != 0)
        return Error{"cannot chmod 0700: " + errno_text(errno), path};
    return Ok{};
}

Result<std::string> read_whole_file(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return Error{"cannot open: " + errno_text(errno), path};
    std::string data;
    char buf[65536];
    for (;;) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            int err = errno;
            ::close(fd);
            return Error{"cannot read: " + errno_text(err), path};
        }
        if (n == 0)
            break;
        data.append(buf, size_t(n));
    }
    ::close(fd);
    return data;
}

Status fsync_dir(const std::string& dir) {
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return Error{"cannot open directory for fsync: " + errno_text(errno), dir};
    int rc = ::fsync(fd);
    int err = errno;
    ::close(fd);
    if (rc != 0)
        return Error{"fsync failed: " + errno_text(err), dir};
    return Ok{};
}

int64_t wall_now() {
    return int64_t(::time(nullptr));
}

}  // namespace

Status write_file_atomic(const std::string& path, const std::string& data, unsigned mode) {
    size_t slash = path.rfind('/');
    std::string dir = slash == std::string::npos ? "." : path.substr(0, slash);
    std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
    // Dot-prefixed and ".tmp"-suffixed, so loaders skip a leftover from a crash.
    std::string tmp = dir + "/." + base + "." + std::to_string(::getpid()) + ".tmp";
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
    if (fd < 0)
        return Error{"cannot create: " + errno_text(errno), tmp};
    auto fail = [&](const std::string& what) -> Status {
        int err = errno;
        ::close(fd);
        ::unlink(tmp.c_str());
        return Error{what + ": " + errno_text(err), tmp};
    };
    if (::fchmod(fd, mode) != 0)
        return fail("cannot chmod");
    size_t off = 0;
    while (off < data.size()) {
        ssize_t n = ::write(fd, data.data() + off, data.size() - off);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return fail("write failed");
        }
        off += size_t(n);
    }
    if (::fsync(fd) != 0)
        return fail("fsync failed");
    if (::close(fd) != 0) {
        int err = errno;
        ::unlink(tmp.c_str());
        return Error{"close failed: " + errno_text(err), tmp};
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        int err = errno;
        ::unlink(tmp.c_str());
        return Error{"rename failed: " + errno_text(err), path};
    }
    return fsync_dir(dir);
}

Store::Store(std::string dir, std::ostream& log, StoreLimits limits, std::function<int64_t()> now)
    : dir_(std::move(dir)), log_(&log), limits_(limits), now_(now ? std::move(now) : wall_now) {}

Result<Store> Store::open(const std::string& dir, std::ostream& log, StoreLimits limits,
                          std::function<int64_t()> now) {
    if (dir.empty())
        return Error{"empty state directory", "--state-dir"};
    if (auto s = make_private_dir(dir); !s)
        return s.error();
    std::string fmt = dir + "/" + kFormatFile;
    struct stat st {};
    if (::stat(fmt.c_str(), &st) == 0) {
        auto text = read_whole_file(fmt);
        if (!text)
            return text.error();
        if (*text != kFormatText)
            return Error{"unsupported store format (expected \"hungtaskd-store 1\")", fmt};
    } else if (errno == ENOENT) {
        if (auto s = write_file_atomic(fmt, kFormatText, 0600); !s)
            return s.error();
    } else {
        return Error{"cannot stat: " + errno_text(errno), fmt};
    }
    if (auto s = make_private_dir(dir + "/" + kIncidentDir); !s)
        return s.error();
    Store store(dir, log, limits, std::move(now));
    if (auto s = store.load(); !s)
        return s.error();
    store.load_fingerprints();
    return store;
}

Result<Store> Store::open_existing(const std::string& dir, std::ostream& log) {
    std::string fmt = dir + "/" + kFormatFile;
    auto text = read_whole_file(fmt);
    if (!text)
        return Error{"no incident store here (" + text.error().what + ")", dir};
    if (*text != kFormatText)
        return Error{"unsupported store format (expected \"hungtaskd-store 1\")", fmt};
    Store store(dir, log, StoreLimits{}, {});
    if (auto s = store.load(); !s)
        return s.error();
    store.load_fingerprints();
    return store;
}

Status Store::load() {
    records_.clear();
    skipped_ = 0;
    std::string idir = dir_ + "/" + kIncidentDir;
    DIR* d = ::opendir(idir.c_str());
    if (!d) {
        if (errno == ENOENT)
            return Ok{};
        return Error{"cannot open directory: " + errno_text(errno), idir};
    }
    std::vector<std::string> names;
    while (struct dirent* e = ::readdir(d)) {
        std::string name = e->d_name;
        if (name.empty() || name[0] == '.' || !name.ends_with(".json"))
            continue;
        names.push_back(name);
    }
    ::closedir(d);
    std::sort(names.begin(), names.end());
    for (const auto& name : names) {
        std::string path = idir + "/" + name;
        auto text = read_whole_file(path);
        if (!text) {
            *log_ << "hungtaskd: warning: skipping record " << path << ": " << text.error().what
                  << "\n";
            skipped_++;
            continue;
        }
        Json j = Json::parse(text->begin(), text->end(), nullptr, false);
        std::string reason;
        StoredIncident rec;
        if (j.is_discarded()) {
            reason = "not valid JSON";
        } else if (!j.is_object() || !j.contains("format") || !j["format"].is_number_integer()) {
            reason = "format: missing or not an integer";
        } else if (j["format"].get<int64_t>() != kStoreFormat) {
            reason = "format: unsupported record format " + j["format"].dump();
        } else if (!j.contains("incident")) {
            reason = "incident: missing field";
        } else {
            auto in = incident_from_json(j["incident"]);
            if (!in) {
                reason = in.error().within("incident").to_string();
            } else if (in->id + ".json" != name) {
                reason = "incident.id: \"" + in->id + "\" does not match the file name";
            } else {
                rec.incident = std::move(in).value();
                if (j.contains("stored_at") && j["stored_at"].is_string())
                    rec.stored_at = j["stored_at"].get<std::string>();
            }
        }
        if (!reason.empty()) {
            *log_ << "hungtaskd: warning: skipping unreadable record " << path << ": " << reason
                  << "\n";
            skipped_++;
            continue;
        }
        rec.path = path;
        rec.bytes = text->size();
        records_.push_back(std::move(rec));
    }
    return Ok{};
}

std::vector<Incident> Store::incidents() const {
    std::vector<Incident> out;
    out.reserve(records_.size());
    for (const auto& r : records_) {
        out.push_back(r.incident);
        out.back().fingerprint_seen = seen(chain_fingerprint(r.incident));
    }
    return out;
}

std::optional<FingerprintSeen> Store::seen(const std::string& hash) const {
    auto it = fingerprints_.find(hash);
    if (it == fingerprints_.end())
        return std::nullopt;
    return it->second;
}

void Store::load_fingerprints() {
    fingerprints_.clear();
    std::string path = dir_ + "/" + kFingerprintFile;
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        // A store from before the table (or a lost file): count what the records hold.
        for (const auto& r : records_)
            count_fingerprint(chain_fingerprint(r.incident), r.incident, 1);
        return;
    }
    auto text = read_whole_file(path);
    Json j = text ? Json::parse(text->begin(), text->end(), nullptr, false) : Json();
    if (!text || j.is_discarded() || !j.is_object() || !j.contains("fingerprints") ||
        !j["fingerprints"].is_object()) {
        *log_ << "hungtaskd: warning: " << path
              << ": unreadable, recurrence counts start again from the records\n";
        for (const auto& r : records_)
            count_fingerprint(chain_fingerprint(r.incident), r.incident, 1);
        return;
    }
    for (auto it = j["fingerprints"].begin(); it != j["fingerprints"].end(); ++it) {
        const Json& e = *it;
        if (!e.is_object() || !e.contains("count") || !e["count"].is_number_integer() ||
            !e.contains("first_seen") || !e["first_seen"].is_string() ||
            !e.contains("last_seen") || !e["last_seen"].is_string())
            continue;
        fingerprints_[it.key()] = FingerprintSeen{e["first_seen"].get<std::string>(),
                                                  e["last_seen"].get<std::string>(),
                                                  e["count"].get<int64_t>()};
    }
}

void Store::count_fingerprint(const std::string& hash, const Incident& in, int64_t delta) {
    std::string when = in.detected_at.value_or(iso8601_utc(now_()));
    auto it = fingerprints_.find(hash);
    if (it == fingerprints_.end()) {
        if (delta <= 0)
            return;
        fingerprints_[hash] = FingerprintSeen{when, when, delta};
        // Bounded: the least recently seen shape goes first.
        while (fingerprints_.size() > kMaxFingerprints) {
            auto oldest = fingerprints_.begin();
            for (auto f = fingerprints_.begin(); f != fingerprints_.end(); ++f)
                if (f->second.last_seen < oldest->second.last_seen)
                    oldest = f;
            fingerprints_.erase(oldest);
        }
        return;
    }
    it->second.count += delta;
    if (it->second.count <= 0) {
        fingerprints_.erase(it);
        return;
    }
    if (delta > 0) {
        it->second.first_seen = std::min(it->second.first_seen, when);
        it->second.last_seen = std::max(it->second.last_seen, when);
    }
}

Status Store::save_fingerprints() {
    Json fps = Json::object();
    for (const auto& [hash, f] : fingerprints_)
        fps[hash] = {{"first_seen", f.first_seen}, {"last_seen", f.last_seen}, {"count", f.count}};
    Json j = {{"format", kStoreFormat}, {"fingerprints", std::move(fps)}};
    return write_file_atomic(dir_ + "/" + kFingerprintFile, dump_json(j) + "\n", 0600);
}

const Incident* Store::find(const std::string& id) const {
    for (const auto& r : records_) {
        if (r.incident.id == id)
            return &r.incident;
    }
    return nullptr;
}

Status Store::write_record(StoredIncident& rec) {
    rec.stored_at = iso8601_utc(now_());
    // The recurrence counts live in the fingerprint table, not in the record.
    Incident plain = rec.incident;
    plain.fingerprint_seen.reset();
    Json wrapper = {{"format", kStoreFormat},
                    {"stored_at", rec.stored_at},
                    {"incident", to_json(plain)}};
    std::string data = dump_json(wrapper) + "\n";
    rec.path = dir_ + "/" + kIncidentDir + "/" + rec.incident.id + ".json";
    if (auto s = write_file_atomic(rec.path, data, 0600); !s)
        return s;
    rec.bytes = data.size();
    return Ok{};
}

Result<UpsertResult> Store::upsert(const Incident& incident) {
    std::string key = incident_key(incident);
    // The record this incident updates: the same key, or else, for a report of a reloaded
    // module (another instance), the record of the same still-hung victim.
    StoredIncident* found = nullptr;
    for (auto& rec : records_)
        if (incident_key(rec.incident) == key) {
            found = &rec;
            break;
        }
    if (!found && module_first_seq(incident) && module_instance(incident)) {
        std::string vkey = victim_key(incident);
        for (auto& rec : records_)
            if (module_instance(rec.incident) && module_instance(rec.incident) != module_instance(incident) &&
                victim_key(rec.incident) == vkey) {
                found = &rec;
                break;
            }
    }
    if (found) {
        auto& rec = *found;
        Incident merged = merge_incident(rec.incident, incident);
        if (merged == rec.incident)
            return UpsertResult{UpsertKind::unchanged, merged};
        StoredIncident next = rec;
        next.incident = merged;
        if (auto s = write_record(next); !s)
            return s.error();
        std::string old_fp = chain_fingerprint(rec.incident);
        std::string new_fp = chain_fingerprint(merged);
        rec = std::move(next);
        if (old_fp != new_fp) {
            // Its chain changed (a coalesced incident's longer chain): count it once, anew.
            count_fingerprint(old_fp, rec.incident, -1);
            count_fingerprint(new_fp, rec.incident, 1);
        } else {
            count_fingerprint(new_fp, rec.incident, 0);
        }
        if (auto s = save_fingerprints(); !s)
            return s.error();
        return UpsertResult{UpsertKind::updated, merged};
    }
    StoredIncident rec;
    rec.incident = incident;
    std::string prefix = boot_prefix(incident.boot_id);
    uint64_t seq = 0;
    for (const auto& r : records_) {
        if (boot_prefix(r.incident.boot_id) == prefix)
            seq = std::max(seq, r.incident.seq);
    }
    // Ids never repeat: skip any id a record (or a stray file) already has.
    auto taken = [&](const std::string& id) {
        struct stat st {};
        return find(id) ||
               ::stat((dir_ + "/" + kIncidentDir + "/" + id + ".json").c_str(), &st) == 0;
    };
    // Keep the id the source gave when it is well formed and free (a kernel ring's seq,
    // an export being imported); otherwise take the next seq of this boot.
    bool keep = incident.seq > 0 && incident.id == prefix + "-" + std::to_string(incident.seq) &&
                !taken(incident.id);
    while (!keep) {
        seq++;
        rec.incident.seq = seq;
        rec.incident.id = prefix + "-" + std::to_string(seq);
        keep = !taken(rec.incident.id);
    }
    if (auto s = write_record(rec); !s)
        return s.error();
    count_fingerprint(chain_fingerprint(rec.incident), rec.incident, 1);
    if (auto s = save_fingerprints(); !s)
        return s.error();
    records_.push_back(rec);
    enforce_retention(rec.incident.id);
    return UpsertResult{UpsertKind::created, rec.incident};
}

void Store::enforce_retention(const std::string& keep_id) {
    uint64_t total = 0;
    for (const auto& r : records_)
        total += r.bytes;
    if (records_.size() <= limits_.max_records && total <= limits_.max_bytes)
        return;
    // Oldest first: by last write, then by id for a stable order.
    std::vector<size_t> order(records_.size());
    for (size_t i = 0; i < order.size(); i++)
        order[i] = i;
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        const auto& ra = records_[a];
        const auto& rb = records_[b];
        if (ra.stored_at != rb.stored_at)
            return ra.stored_at < rb.stored_at;
        if (ra.incident.boot_id != rb.incident.boot_id)
            return ra.incident.boot_id < rb.incident.boot_id;
        return ra.incident.seq < rb.incident.seq;
    });
    std::vector<std::string> pruned;
    std::vector<bool> drop(records_.size(), false);
    size_t count = records_.size();
    for (size_t idx : order) {
        if (count <= limits_.max_records && total <= limits_.max_bytes)
            break;
        const auto& r = records_[idx];
        if (r.incident.id == keep_id)
            continue;
        if (::unlink(r.path.c_str()) != 0 && errno != ENOENT) {
            *log_ << "hungtaskd: warning: cannot prune " << r.path << ": " << errno_text(errno)
                  << "\n";
            continue;
        }
        drop[idx] = true;
        pruned.push_back(r.incident.id);
        total -= r.bytes;
        count--;
    }
    if (pruned.empty())
        return;
    if (auto s = fsync_dir(dir_ + "/" + kIncidentDir); !s)
        *log_ << "hungtaskd: warning: " << s.error().to_string() << "\n";
    std::vector<StoredIncident> kept;
    for (size_t i = 0; i < records_.size(); i++) {
        if (!drop[i])
            kept.push_back(std::move(records_[i]));
    }
    records_ = std::move(kept);
    *log_ << "hungtaskd: store: pruned " << pruned.size()
          << " oldest incident record(s) to stay within " << limits_.max_records << " records / "
          << limits_.max_bytes << " bytes:";
    for (const auto& id : pruned)
        *log_ << " " << id;
    *log_ << "\n";
}

}  // namespace hungtask
