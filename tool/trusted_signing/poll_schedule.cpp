#include "trusted_signing/poll_schedule.hpp"

#include <algorithm>

#include "http/retry.hpp"

namespace cipolicy::trusted_signing {

PollSchedule::Clock::time_point PollSchedule::next(const http::Response& answer,
                                                   Clock::time_point sent,
                                                   Clock::time_point answered) {
    // The newest request replaces an older one: a service that asked for 5 s and then for 1 s
    // wants 1 s now.
    if (auto asked = http::server_retry_delay(answer)) asked_ = *asked;
    Clock::time_point when = std::max(sent + own_, answered + asked_);
    own_ = std::min(own_ * 2, kCap);
    return when;
}

}  // namespace cipolicy::trusted_signing
