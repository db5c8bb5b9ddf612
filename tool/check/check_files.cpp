#include "check/check_files.hpp"

#include <algorithm>
#include <atomic>
#include <system_error>
#include <thread>

#include "pe/pe_file.hpp"

namespace cipolicy::check {

std::vector<FileResult> check_files(const Checker& checker, const std::vector<std::string>& paths,
                                    unsigned jobs) {
    std::vector<FileResult> results(paths.size());
    std::atomic<std::size_t> next{0};
    const auto work = [&] {
        for (std::size_t i = next++; i < paths.size(); i = next++) {
            FileResult& r = results[i];
            r.path = paths[i];
            try {
                const pe::PeFile file = pe::read_pe_file(paths[i]);
                r.decision = checker.check(file);
            } catch (const Error& e) {
                r.error = e.what();
                r.error_code = e.code();
            } catch (const std::exception& e) {
                r.error = paths[i] + ": " + e.what();
                r.error_code = ExitCode::internal;
            }
        }
    };
    if (jobs == 0) jobs = std::max(1u, std::thread::hardware_concurrency());
    jobs = static_cast<unsigned>(std::min<std::size_t>(jobs, paths.size()));
    std::vector<std::thread> threads;
    for (unsigned t = 1; t < jobs; ++t) {
        try {
            threads.emplace_back(work);
        } catch (const std::system_error&) {
            break;  // fewer threads: the ones running take the rest
        }
    }
    work();
    for (auto& t : threads) t.join();
    return results;
}

}  // namespace cipolicy::check
