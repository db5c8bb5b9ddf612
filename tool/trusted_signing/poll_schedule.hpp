#pragma once
// When to ask again about a running signing operation. Our own intervals start short (most
// operations finish within seconds, and a batch waits for its slowest wave), double to a cap and
// run from one poll's start to the next, so a slow link does not add its round trip to them. Once
// the service has asked for a wait (Retry-After and its millisecond variants, on the 202 or on a
// poll), that wait runs from its answer and holds for every later poll until it asks again.

#include <chrono>

#include "http/client.hpp"

namespace cipolicy::trusted_signing {

class PollSchedule {
  public:
    using Clock = std::chrono::steady_clock;
    static constexpr std::chrono::milliseconds kFirst{50};
    static constexpr std::chrono::milliseconds kCap{3000};

    // When to send the next poll, given the answer just received (the 202 or a poll's), the
    // time its request was sent and the time the answer came.
    Clock::time_point next(const http::Response& answer, Clock::time_point sent,
                           Clock::time_point answered);

  private:
    std::chrono::milliseconds own_ = kFirst;
    std::chrono::milliseconds asked_{0};  // the service's latest request; 0 = none yet
};

}  // namespace cipolicy::trusted_signing
