#include "scan/scan.hpp"

#include <algorithm>
#include <atomic>
#include <fstream>
#include <thread>

#include "core/bounded_read.hpp"
#include "core/error.hpp"

namespace cipolicy::scan {

namespace fs = std::filesystem;

namespace {

struct Candidate {
    fs::path path;
    std::string relative;  // below the folder argument (its own name for a file argument)
};

std::vector<Candidate> enumerate(const std::vector<fs::path>& paths) {
    std::vector<Candidate> out;
    auto add = [&](const fs::path& p, std::string relative) {
        if (out.size() >= kMaxScanFiles)
            throw Error(ExitCode::input, "more than " + std::to_string(kMaxScanFiles) +
                                             " files to scan; scan fewer folders at a time");
        out.push_back({p, std::move(relative)});
    };
    for (const fs::path& root : paths) {
        std::error_code ec;
        const fs::file_status st = fs::status(root, ec);
        if (ec || !fs::exists(st))
            throw Error(ExitCode::input, root.string() + ": no such file or folder");
        if (!fs::is_directory(st)) {
            add(root, root.filename().generic_string());
            continue;
        }
        // Symbolic links to folders are not followed (no loops); linked files are scanned.
        fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied,
                                            ec);
        if (ec)
            throw Error(ExitCode::input,
                        root.string() + ": cannot list the folder: " + ec.message());
        for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
            if (ec)
                throw Error(ExitCode::input,
                            root.string() + ": cannot list the folder: " + ec.message());
            std::error_code fec;
            if (!it->is_regular_file(fec)) continue;
            add(it->path(), it->path().lexically_relative(root).generic_string());
        }
    }
    std::sort(out.begin(), out.end(),
              [](const Candidate& a, const Candidate& b) { return a.path < b.path; });
    out.erase(std::unique(out.begin(), out.end(),
                          [](const Candidate& a, const Candidate& b) { return a.path == b.path; }),
              out.end());
    return out;
}

bool starts_like_pe(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    Bytes head(4096);
    in.read(reinterpret_cast<char*>(head.data()), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<std::size_t>(std::max<std::streamsize>(in.gcount(), 0)));
    return pe::looks_like_pe(head);
}

struct Slot {
    bool is_pe = false;
    std::optional<pe::PeFile> file;
    std::string error;
};

Slot read_one(const Candidate& c) {
    Slot s;
    try {
        if (!starts_like_pe(c.path)) return s;
        s.is_pe = true;
        s.file = pe::read_pe_file(c.path);
    } catch (const Error& e) {
        s.error = e.what();
    } catch (const std::bad_alloc&) {
        s.error = c.path.string() + ": out of memory";
    }
    return s;
}

}  // namespace

ScanReport scan_paths(const std::vector<fs::path>& paths, const ScanOptions& options) {
    const std::vector<Candidate> candidates = enumerate(paths);
    std::vector<Slot> slots(candidates.size());
    unsigned threads = options.threads ? options.threads : std::thread::hardware_concurrency();
    threads = std::clamp(threads, 1u, 8u);
    threads = static_cast<unsigned>(
        std::min<std::size_t>(threads, std::max<std::size_t>(candidates.size(), 1)));
    std::atomic<std::size_t> next{0};
    auto work = [&] {
        for (std::size_t i; (i = next.fetch_add(1)) < candidates.size();)
            slots[i] = read_one(candidates[i]);
    };
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work);
    work();
    for (auto& t : pool) t.join();

    ScanReport report;
    for (std::size_t i = 0; i < candidates.size(); ++i) {
        const Candidate& c = candidates[i];
        Slot& s = slots[i];
        if (!s.is_pe) {
            ++report.other_files;
            continue;
        }
        ScannedFile f;
        f.path = c.path.string();
        if (!s.file) {
            f.status = FileStatus::damaged;
            f.reason = s.error;
            report.files.push_back(std::move(f));
            continue;
        }
        f.mode = s.file->mode;
        const std::string name = c.path.filename().string();
        std::vector<Level> levels{options.level};
        levels.insert(levels.end(), options.fallback.begin(), options.fallback.end());
        f.status = FileStatus::not_covered;
        for (Level level : levels) {
            const std::string why = add_rules(report.rules, *s.file, name, c.relative, level);
            if (why.empty()) {
                f.status = FileStatus::ruled;
                f.level = std::string(level_name(level));
                f.reason.clear();
                break;
            }
            if (f.reason.empty()) f.reason = std::string(level_name(level)) + ": " + why;
        }
        s.file.reset();
        report.files.push_back(std::move(f));
    }
    return report;
}

}  // namespace cipolicy::scan
