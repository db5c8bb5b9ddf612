#include "signing/batch.hpp"

#include <atomic>
#include <thread>

namespace cipolicy::signing {

std::string about_file(const std::string& file, const std::string& message) {
    if (message.rfind(file + ": ", 0) == 0 || message.rfind(file + " ", 0) == 0) return message;
    return file + ": " + message;
}

int BatchResult::exit_code() const {
    if (failed == 0) return 0;
    if (done > 0) return static_cast<int>(ExitCode::partial);
    return static_cast<int>(first_error->code());
}

BatchResult run_batch(const std::vector<std::string>& inputs, const BatchOptions& options,
                      const BatchStep& step, const BatchReport& report) {
    BatchResult result;
    std::vector<std::optional<FileResult>> entries(inputs.size());
    std::mutex mutex;
    std::atomic<std::size_t> next{0};
    std::atomic<bool> stop{false};
    auto one = [&](std::size_t index) {
        const std::string& input = inputs[index];
        try {
            FileResult entry = step(input, mutex);
            entry.input = input;
            std::lock_guard lock(mutex);
            ++result.done;
            if (report.succeeded) report.succeeded(entry, result.done + result.failed);
            entries[index] = std::move(entry);
        } catch (const std::exception& ex) {
            // Not only Error: an exception must not escape a worker thread.
            const auto* known = dynamic_cast<const Error*>(&ex);
            Error e = known ? Error(known->code(), about_file(input, known->what()))
                            : Error(ExitCode::internal, input + ": internal error: " + ex.what() +
                                                            " (please report this)");
            std::lock_guard lock(mutex);
            ++result.failed;
            if (!result.first_error) result.first_error = e;
            FileResult failed;
            failed.input = input;
            failed.error = e;
            entries[index] = std::move(failed);
            if (report.failed) report.failed(e);
            if (!options.continue_on_error) stop = true;
        }
    };
    auto worker = [&] {
        for (std::size_t i = next++; !stop && i < inputs.size(); i = next++) one(i);
    };
    std::size_t workers = std::min(options.jobs, inputs.size());
    if (workers <= 1) {
        worker();
    } else {
        std::vector<std::jthread> pool;
        for (std::size_t w = 0; w < workers; ++w) pool.emplace_back(worker);
    }
    for (auto& entry : entries)
        if (entry) result.entries.push_back(std::move(*entry));
    return result;
}

}  // namespace cipolicy::signing
